#if canImport(Glibc)
import Glibc
#endif

/// A growable byte queue for a connection's I/O: append at the tail, consume from the head.
/// One heap allocation reused for the connection's life (no per-event allocation).
/// Confined to its connection's queue; not Sendable.
final class ByteBuffer {
    private var storage: UnsafeMutableRawPointer
    private(set) var capacity: Int
    private var reader = 0
    private var writer = 0

    init(capacity: Int) {
        self.capacity = max(capacity, 64)
        storage = UnsafeMutableRawPointer.allocate(byteCount: self.capacity, alignment: 16)
    }
    deinit { storage.deallocate() }

    var readableBytes: Int { writer - reader }
    var isEmpty: Bool { writer == reader }

    func clear() { reader = 0; writer = 0 }

    private func reserve(_ n: Int) {
        if capacity - writer >= n { return }
        if reader > 0 {
            let live = writer - reader
            if live > 0 { memmove(storage, storage + reader, live) }
            reader = 0
            writer = live
            if capacity - writer >= n { return }
        }
        var newCap = capacity * 2
        while newCap - writer < n { newCap *= 2 }
        let fresh = UnsafeMutableRawPointer.allocate(byteCount: newCap, alignment: 16)
        if writer > 0 { fresh.copyMemory(from: storage, byteCount: writer) }
        storage.deallocate()
        storage = fresh
        capacity = newCap
    }

    func append(_ bytes: UnsafeRawBufferPointer) {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return }
        reserve(bytes.count)
        (storage + writer).copyMemory(from: base, byteCount: bytes.count)
        writer += bytes.count
    }

    func append(_ bytes: [UInt8], from offset: Int = 0, count: Int? = nil) {
        let n = count ?? (bytes.count - offset)
        guard n > 0, offset >= 0, offset + n <= bytes.count else { return }
        bytes.withUnsafeBytes { raw in
            append(UnsafeRawBufferPointer(rebasing: raw[offset..<(offset + n)]))
        }
    }

    func append(_ string: String) {
        var s = string
        s.withUTF8 { append(UnsafeRawBufferPointer($0)) }
    }

    func appendZeros(_ n: Int) {
        guard n > 0 else { return }
        reserve(n)
        memset(storage + writer, 0, n)
        writer += n
    }

    /// Lets `body` fill up to `maxBytes` at the tail; it returns how many it wrote (or < 0).
    func writeWithUnsafeMutableBytes(maxBytes: Int, _ body: (UnsafeMutableRawBufferPointer) -> Int) -> Int {
        reserve(maxBytes)
        let n = body(UnsafeMutableRawBufferPointer(start: storage + writer, count: maxBytes))
        if n > 0 { writer += n }
        return n
    }

    func withReadableBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try body(UnsafeRawBufferPointer(start: storage + reader, count: writer - reader))
    }

    func consume(_ n: Int) {
        reader += min(n, writer - reader)
        if reader == writer { reader = 0; writer = 0 }
    }

    /// Copies the readable bytes out (tests, small messages).
    func readAll() -> [UInt8] {
        let out = withReadableBytes { Array($0) }
        clear()
        return out
    }
}
