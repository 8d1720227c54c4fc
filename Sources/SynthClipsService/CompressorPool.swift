import Foundation
import TensorCodec

/// zstd contexts for the worker threads: one is checked out per compression and returned, so
/// contexts (and their buffers) are reused instead of allocated per response.
///
/// `@unchecked Sendable` is sound: `idle` is touched only under `lock`, and a checked-out
/// compressor is used by the one thread that holds it until it is returned.
final class CompressorPool: @unchecked Sendable {
    let level: Int32
    private let lock = NSLock()
    private var idle: [ZstdCompressor] = []

    init(level: Int32) { self.level = level }

    /// Lends a compressor to `body` (a context is never used by two threads at once).
    func withCompressor<T>(_ body: (ZstdCompressor) throws -> T) rethrows -> T {
        lock.lock()
        let compressor = idle.popLast() ?? ZstdCompressor(level: level)
        lock.unlock()
        defer {
            lock.lock()
            idle.append(compressor)
            lock.unlock()
        }
        return try body(compressor)
    }
}
