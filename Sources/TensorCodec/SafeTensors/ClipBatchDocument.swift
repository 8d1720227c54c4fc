/// The product's response body: a batch of B clips as one safetensors document.
///
/// Tensors, in this order: `seeds` U64 [B], `frame_indices` I32 [B, T], `video` U8 [B, T, H, W, 3].
/// `seeds` comes first so that, right after the 8-aligned header, it is 8-byte aligned, and
/// `frame_indices` (8·B bytes later) is 4-byte aligned: a client can view both without copying.
///
/// The whole document is allocated once, header written and data zero-filled; renderers then
/// write each clip's frames in place through `withVideoBuffer(clip:_:)`, so the document is
/// never copied as a whole between rendering and sending.
public struct ClipBatchDocument: Sendable {
    public static let seedsName = "seeds"
    public static let frameIndicesName = "frame_indices"
    public static let videoName = "video"

    public let batchSize: Int
    public let frames: Int
    public let height: Int
    public let width: Int
    public let layout: SafeTensorsLayout
    /// The whole document, ready to send or write to a file (settable only through the methods
    /// below, which keep the header intact).
    public internal(set) var bytes: [UInt8]
    /// Where `seeds`, `frame_indices` and `video` lie within `bytes`.
    public let seedsRange: Range<Int>
    public let frameIndicesRange: Range<Int>
    public let videoRange: Range<Int>

    public init(batchSize: Int, frames: Int, height: Int, width: Int,
                metadata: [String: String]) throws(TensorCodecError) {
        for (name, value) in [("batchSize", batchSize), ("frames", frames), ("height", height), ("width", width)]
        where value < 1 {
            throw .invalidDimension(name: name, value: value)
        }
        let layout = try SafeTensorsLayout(tensors: [
            TensorSpec(name: Self.seedsName, dtype: .u64, shape: [batchSize]),
            TensorSpec(name: Self.frameIndicesName, dtype: .i32, shape: [batchSize, frames]),
            TensorSpec(name: Self.videoName, dtype: .u8, shape: [batchSize, frames, height, width, 3]),
        ], metadata: metadata)
        self.batchSize = batchSize
        self.frames = frames
        self.height = height
        self.width = width
        self.layout = layout
        // The layout knows these three names, so the ranges exist.
        self.seedsRange = layout.range(of: Self.seedsName)!
        self.frameIndicesRange = layout.range(of: Self.frameIndicesName)!
        self.videoRange = layout.range(of: Self.videoName)!
        var bytes = [UInt8](repeating: 0, count: layout.totalSize)
        // Element by element: replaceSubrange would move the whole (multi-megabyte) tail.
        for (i, byte) in layout.header.enumerated() { bytes[i] = byte }
        self.bytes = bytes
    }

    /// Bytes of one clip's video: T · H · W · 3.
    public var clipByteCount: Int { frames * height * width * 3 }

    /// The byte range of clip `clip`'s frames within `bytes`.
    public func videoRange(clip: Int) -> Range<Int> {
        precondition((0..<batchSize).contains(clip), "clip \(clip) is outside 0..<\(batchSize)")
        let start = videoRange.lowerBound + clip * clipByteCount
        return start..<(start + clipByteCount)
    }

    /// Writes the B seeds, little-endian.
    public mutating func setSeeds(_ seeds: [UInt64]) {
        precondition(seeds.count == batchSize, "expected \(batchSize) seeds, got \(seeds.count)")
        for (index, seed) in seeds.enumerated() {
            LittleEndian.store(seed, byteCount: 8, into: &bytes, at: seedsRange.lowerBound + 8 * index)
        }
    }

    /// Writes clip `clip`'s T frame indices, little-endian two's complement.
    public mutating func setFrameIndices(clip: Int, _ indices: [Int32]) {
        precondition((0..<batchSize).contains(clip), "clip \(clip) is outside 0..<\(batchSize)")
        precondition(indices.count == frames, "expected \(frames) frame indices, got \(indices.count)")
        let start = frameIndicesRange.lowerBound + 4 * frames * clip
        for (index, frame) in indices.enumerated() {
            LittleEndian.store(UInt64(UInt32(bitPattern: frame)), byteCount: 4, into: &bytes, at: start + 4 * index)
        }
    }
}

extension ClipBatchDocument {
    /// The bytes of a document before its `video` tensor — header, `seeds`, `frame_indices` —
    /// and the whole document's size, for writing (or compressing) the video piece by piece
    /// without building the document in memory.
    public static func prefix(frames: Int, height: Int, width: Int, metadata: [String: String],
                              seeds: [UInt64], frameIndices: [[Int32]]) throws(TensorCodecError) -> (bytes: [UInt8], documentSize: Int) {
        let layout = try SafeTensorsLayout(tensors: [
            TensorSpec(name: seedsName, dtype: .u64, shape: [seeds.count]),
            TensorSpec(name: frameIndicesName, dtype: .i32, shape: [seeds.count, frames]),
            TensorSpec(name: videoName, dtype: .u8, shape: [seeds.count, frames, height, width, 3]),
        ], metadata: metadata)
        // The layout knows this name, so the range exists.
        let video = layout.range(of: videoName)!
        var bytes = layout.header
        bytes.reserveCapacity(video.lowerBound)
        for seed in seeds { bytes += LittleEndian.bytes(of: seed) }
        for clip in frameIndices {
            precondition(clip.count == frames, "expected \(frames) frame indices, got \(clip.count)")
            for t in clip { bytes += LittleEndian.bytes(of: UInt64(UInt32(bitPattern: t))).prefix(4) }
        }
        precondition(bytes.count == video.lowerBound, "prefix does not end where the video begins")
        return (bytes, layout.totalSize)
    }
}
