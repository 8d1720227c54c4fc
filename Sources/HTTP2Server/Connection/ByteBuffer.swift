#if canImport(Glibc)
import Glibc
#endif

/// A growable byte queue for a connection's I/O: append at the tail, consume from the head.
/// One heap allocation reused for the connection's life (no per-event allocation).
///
/// With `allowsReferences`, large slices of `[UInt8]` bodies are queued by reference (the
/// array is retained, not copied) and go to the socket with one `sendmsg` gather write:
/// the only copy of a body is then the kernel's. Confined to its connection's queue.
final class ByteBuffer {
    private var storage: UnsafeMutableRawPointer
    private(set) var capacity: Int
    private var reader = 0
    private var writer = 0
    let allowsReferences: Bool
    /// Referenced slices, in order; each sits in the byte stream just before storage offset `at`.
    private var refs: [(at: Int, bytes: [UInt8], start: Int, count: Int)] = []
    private var refBytes = 0
    /// Slices shorter than this are copied (an iovec costs more than a small memcpy).
    private static let minimumReference = 4096

    init(capacity: Int, allowsReferences: Bool = false) {
        self.capacity = max(capacity, 64)
        self.allowsReferences = allowsReferences
        storage = UnsafeMutableRawPointer.allocate(byteCount: self.capacity, alignment: 16)
    }
    deinit { storage.deallocate() }

    var readableBytes: Int { writer - reader + refBytes }
    var isEmpty: Bool { writer == reader && refs.isEmpty }

    func clear() { reader = 0; writer = 0; refs = []; refBytes = 0 }

    private func reserve(_ n: Int) {
        if capacity - writer >= n { return }
        if reader > 0 && refs.isEmpty {
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
        if allowsReferences && n >= Self.minimumReference {
            refs.append((at: writer, bytes: bytes, start: offset, count: n))
            refBytes += n
            return
        }
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

    /// The readable bytes as one contiguous region. Only for buffers without references.
    func withReadableBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        precondition(refs.isEmpty, "withReadableBytes on a buffer holding references")
        return try body(UnsafeRawBufferPointer(start: storage + reader, count: writer - reader))
    }

    func consume(_ n: Int) {
        var left = n
        while left > 0 {
            let storageEnd = refs.first?.at ?? writer
            if reader < storageEnd {
                let k = min(left, storageEnd - reader)
                reader += k
                left -= k
            } else if !refs.isEmpty {
                let k = min(left, refs[0].count)
                refs[0].start += k
                refs[0].count -= k
                refBytes -= k
                left -= k
                if refs[0].count == 0 { refs.removeFirst() }
            } else {
                break
            }
        }
        if reader == writer && refs.isEmpty { reader = 0; writer = 0 }
    }

    /// Gather-writes the head of the queue (at most 64 pieces) with sendmsg(MSG_NOSIGNAL).
    /// Returns what `sendmsg` returned (bytes written, or -1 with errno set).
    func send(to fd: Int32) -> Int {
        var pieces: [(storageOffset: Int, count: Int, ref: Int)] = []   // ref -1: storage
        var pos = reader
        var r = 0
        while pieces.count < 64 {
            let end = r < refs.count ? refs[r].at : writer
            if pos < end { pieces.append((pos, end - pos, -1)); pos = end }
            if r < refs.count && pieces.count < 64 { pieces.append((0, refs[r].count, r)); r += 1 } else { break }
        }
        var iov = [iovec](repeating: iovec(), count: pieces.count)
        return withReferences(pieces: pieces, index: 0, iov: &iov, fd: fd)
    }

    /// Pins every referenced array with `withUnsafeBytes` (nested), fills the iovecs, writes.
    private func withReferences(pieces: [(storageOffset: Int, count: Int, ref: Int)], index: Int,
                                iov: inout [iovec], fd: Int32) -> Int {
        if index == pieces.count {
            return iov.withUnsafeMutableBufferPointer { v -> Int in
                var msg = msghdr()
                msg.msg_iov = v.baseAddress
                msg.msg_iovlen = v.count
                return Glibc.sendmsg(fd, &msg, Int32(MSG_NOSIGNAL))
            }
        }
        let p = pieces[index]
        if p.ref < 0 {
            iov[index] = iovec(iov_base: storage + p.storageOffset, iov_len: p.count)
            return withReferences(pieces: pieces, index: index + 1, iov: &iov, fd: fd)
        }
        let ref = refs[p.ref]
        return ref.bytes.withUnsafeBytes { raw -> Int in
            guard let base = raw.baseAddress else { return 0 }   // never: references are >= 4 KiB
            iov[index] = iovec(iov_base: UnsafeMutableRawPointer(mutating: base + ref.start), iov_len: ref.count)
            return withReferences(pieces: pieces, index: index + 1, iov: &iov, fd: fd)
        }
    }

    /// Copies the readable bytes out, references included (tests, small messages).
    func readAll() -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(readableBytes)
        var pos = reader
        for ref in refs {
            out.append(contentsOf: UnsafeRawBufferPointer(start: storage + pos, count: ref.at - pos))
            out.append(contentsOf: ref.bytes[ref.start..<(ref.start + ref.count)])
            pos = ref.at
        }
        out.append(contentsOf: UnsafeRawBufferPointer(start: storage + pos, count: writer - pos))
        clear()
        return out
    }
}
