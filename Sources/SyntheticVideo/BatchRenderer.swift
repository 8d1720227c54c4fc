import Dispatch
import Synchronization

/// Renders independent clips on several threads. Each clip is written by exactly one thread with
/// its own `ClipRenderer`, so the bytes do not depend on the thread count.
public enum BatchRenderer {
    /// Renders `seeds.count` clips back to back into `buffer` (clip i at offset i·clipBytes),
    /// with the frame indices `frames(seed)` of each clip, on up to `threads` threads.
    public static func render(
        generator: VideoGenerator, seeds: [UInt64], frames: (UInt64) -> [Int], threads: Int,
        into buffer: UnsafeMutableRawBufferPointer
    ) throws(TextureError) {
        let frameLists = seeds.map(frames)
        let clipBytes = frameLists.map { generator.clipByteCount(frames: $0.count) }
        let offsets = clipBytes.reduce(into: [0]) { $0.append($0.last! + $1) }
        precondition(buffer.count == offsets.last!, "batch buffer has the wrong size")
        let shared = SharedBuffer(buffer)
        let failure = Mutex<TextureError?>(nil)
        let workers = Swift.max(1, Swift.min(threads, seeds.count))
        DispatchQueue.concurrentPerform(iterations: workers) { worker in
            let renderer = ClipRenderer(generator: generator)
            // Static assignment (clip i on worker i mod n): no shared counter, same bytes.
            for i in Swift.stride(from: worker, to: seeds.count, by: workers) {
                let slice = UnsafeMutableRawBufferPointer(rebasing: shared.buffer[offsets[i]..<offsets[i + 1]])
                do throws(TextureError) {
                    try renderer.render(seed: seeds[i], frameIndices: frameLists[i], into: slice)
                } catch {
                    failure.withLock { $0 = $0 ?? error }
                }
            }
        }
        if let error = failure.withLock({ $0 }) { throw error }
    }
}

/// A buffer handed to worker threads that write disjoint ranges of it.
/// @unchecked Sendable: every worker writes only the clip ranges assigned to it, and the caller
/// reads the buffer only after `concurrentPerform` has returned.
private struct SharedBuffer: @unchecked Sendable {
    let buffer: UnsafeMutableRawBufferPointer
    init(_ buffer: UnsafeMutableRawBufferPointer) { self.buffer = buffer }
}
