import Dispatch
import SyntheticVideo
import TensorCodec

/// A rendered clip-carrying body, as it goes on the wire.
struct ClipBody: Sendable {
    var bytes: [UInt8]
    /// `zstd` when compressed, nil when sent as is.
    var encoding: String?
    var rawBytes: Int
    var renderMilliseconds: Double
    var compressMilliseconds: Double

    /// Renders `seeds` into one safetensors document and compresses it when `compress` is set.
    static func render(parameters: ClipParameters, seeds: [UInt64], compressor: CompressorPool?) throws -> ClipBody {
        let generator = parameters.generator
        let side = generator.configuration.outputSide
        let t0 = DispatchTime.now().uptimeNanoseconds
        var document = try ClipBatchDocument(
            batchSize: seeds.count, frames: parameters.frameCount, height: side, width: side,
            metadata: [
                "stage": parameters.stage,
                "config_hash": generator.configurationHash,
                "generator_version": String(GeneratorVersion.current),
                "config": generator.configuration.canonicalText,
            ])
        document.setSeeds(seeds)
        let renderer = ClipRenderer(generator: generator)
        for (clip, seed) in seeds.enumerated() {
            let indices = parameters.frameIndices(seed: seed)
            document.setFrameIndices(clip: clip, indices.map { Int32($0) })
            document.withVideoBuffer(clip: clip) { renderer.render(seed: seed, frameIndices: indices, into: $0) }
        }
        let t1 = DispatchTime.now().uptimeNanoseconds
        let raw = document.bytes
        guard let compressor else {
            return ClipBody(bytes: raw, encoding: nil, rawBytes: raw.count,
                            renderMilliseconds: Double(t1 - t0) / 1e6, compressMilliseconds: 0)
        }
        let compressed = try compressor.compress(raw)
        let t2 = DispatchTime.now().uptimeNanoseconds
        return ClipBody(bytes: compressed, encoding: "zstd", rawBytes: raw.count,
                        renderMilliseconds: Double(t1 - t0) / 1e6, compressMilliseconds: Double(t2 - t1) / 1e6)
    }

    var serverTiming: String {
        "render;dur=\(Self.format(renderMilliseconds)), compress;dur=\(Self.format(compressMilliseconds))"
    }

    private static func format(_ ms: Double) -> String {
        String((ms * 1000).rounded() / 1000)
    }
}
