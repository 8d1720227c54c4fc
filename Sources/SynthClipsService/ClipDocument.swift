import Dispatch
import SyntheticVideo
import TensorCodec

/// The safetensors document that carries clips (DESIGN.md, wire format): `seeds`,
/// `frame_indices` and `video`, with the stage, configuration hash, generator version and
/// canonical configuration in `__metadata__`. The server and `synthclips render` both build it
/// here, so a rendered file and a served body are the same bytes.
public enum ClipDocument {
    /// Renders the clips of `seeds` (each with `frameIndices(seed)`, all of one length) in place
    /// into one document. `stage` is the stage id or configuration hash the caller named.
    public static func render(stage: String, generator: VideoGenerator, seeds: [UInt64],
                              frameIndices: (UInt64) -> [Int]) throws -> ClipBatchDocument {
        let side = generator.configuration.outputSide
        let frames = seeds.map(frameIndices)
        var document = try ClipBatchDocument(
            batchSize: seeds.count, frames: frames.first?.count ?? 0, height: side, width: side,
            metadata: metadata(stage: stage, generator: generator))
        document.setSeeds(seeds)
        let renderer = ClipRenderer(generator: generator)
        for (clip, seed) in seeds.enumerated() {
            document.setFrameIndices(clip: clip, frames[clip].map { Int32($0) })
            try document.withVideoBuffer(clip: clip) { try renderer.render(seed: seed, frameIndices: frames[clip], into: $0) }
        }
        return document
    }

    static func metadata(stage: String, generator: VideoGenerator) -> [String: String] {
        [
            "stage": stage,
            "config_hash": generator.configurationHash,
            "generator_version": String(GeneratorVersion.current),
            "config": generator.configuration.canonicalText,
        ]
    }

    /// The same document as `render`, compressed into one zstd frame while it is produced:
    /// each video frame goes to the compressor as soon as it is painted, while it is still in
    /// the core's cache, so neither the raw document (tens of MB for a batch) nor a clip buffer
    /// exists. Answers the frame and the time spent rendering (the rest is compression).
    static func renderCompressed(stage: String, generator: VideoGenerator, seeds: [UInt64],
                                 frameIndices: (UInt64) -> [Int], compressor: ZstdCompressor)
        throws -> (frame: [UInt8], renderNanoseconds: UInt64) {
        let side = generator.configuration.outputSide
        let frames = seeds.map(frameIndices)
        let prefix = try ClipBatchDocument.prefix(
            frames: frames.first?.count ?? 0, height: side, width: side,
            metadata: metadata(stage: stage, generator: generator), seeds: seeds,
            frameIndices: frames.map { $0.map { Int32($0) } })
        try compressor.beginFrame(contentSize: prefix.documentSize)
        try compressor.append(prefix.bytes)
        let renderer = ClipRenderer(generator: generator)
        let start = DispatchTime.now().uptimeNanoseconds
        var compressing: UInt64 = 0
        var failure: TensorCodecError?
        for (index, seed) in seeds.enumerated() {
            try renderer.render(seed: seed, frameIndices: frames[index]) { frame in
                guard failure == nil else { return }
                let t0 = DispatchTime.now().uptimeNanoseconds
                do throws(TensorCodecError) { try compressor.append(frame) } catch { failure = error }
                compressing += DispatchTime.now().uptimeNanoseconds - t0
            }
            if let failure { throw failure }
        }
        let elapsed = DispatchTime.now().uptimeNanoseconds - start
        let rendering = elapsed - Swift.min(elapsed, compressing)
        return (try compressor.finishFrame(), rendering)
    }
}
