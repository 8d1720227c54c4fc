import SyntheticVideo
import TensorCodec

/// Builds the safetensors document that carries clips (DESIGN.md, wire format): `seeds`,
/// `frame_indices` and `video` tensors, with the stage, configuration hash, generator version
/// and canonical configuration in `__metadata__`.
enum ClipDocuments {
    static func metadata(stage: String, generator: VideoGenerator) -> [String: String] {
        [
            "stage": stage,
            "config_hash": generator.configurationHash,
            "generator_version": String(GeneratorVersion.current),
            "config": generator.configuration.canonicalText,
        ]
    }

    /// Renders one clip into a document (B = 1), frames written in place.
    static func render(stage: String, renderer: ClipRenderer, seed: UInt64, frameIndices: [Int]) throws -> ClipBatchDocument {
        let side = renderer.generator.configuration.outputSide
        var document = try ClipBatchDocument(
            batchSize: 1, frames: frameIndices.count, height: side, width: side,
            metadata: metadata(stage: stage, generator: renderer.generator))
        document.setSeeds([seed])
        document.setFrameIndices(clip: 0, frameIndices.map { Int32($0) })
        document.withVideoBuffer(clip: 0) { renderer.render(seed: seed, frameIndices: frameIndices, into: $0) }
        return document
    }
}
