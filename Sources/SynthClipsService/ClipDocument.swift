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
            metadata: [
                "stage": stage,
                "config_hash": generator.configurationHash,
                "generator_version": String(GeneratorVersion.current),
                "config": generator.configuration.canonicalText,
            ])
        document.setSeeds(seeds)
        let renderer = ClipRenderer(generator: generator)
        for (clip, seed) in seeds.enumerated() {
            document.setFrameIndices(clip: clip, frames[clip].map { Int32($0) })
            document.withVideoBuffer(clip: clip) { renderer.render(seed: seed, frameIndices: frames[clip], into: $0) }
        }
        return document
    }
}
