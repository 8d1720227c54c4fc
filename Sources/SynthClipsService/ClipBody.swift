import Dispatch
import SyntheticVideo
import TensorCodec

/// A rendered clip-carrying body, as it goes on the wire.
struct ClipBody: Sendable {
    var bytes: [UInt8]
    var renderMilliseconds: Double
    var compressMilliseconds: Double

    /// Renders `seeds` into one safetensors document, compressed (one zstd frame, produced
    /// video frame by video frame) when a compressor pool is given, else as is.
    static func render(parameters: ClipParameters, seeds: [UInt64], compressor: CompressorPool?) throws -> ClipBody {
        let t0 = DispatchTime.now().uptimeNanoseconds
        guard let compressor else {
            let document = try ClipDocument.render(stage: parameters.stage, generator: parameters.generator,
                                                   seeds: seeds, frameIndices: parameters.frameIndices(seed:))
            let ms = Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e6
            return ClipBody(bytes: document.bytes, renderMilliseconds: ms, compressMilliseconds: 0)
        }
        let (frame, rendering) = try compressor.withCompressor { zstd in
            try ClipDocument.renderCompressed(stage: parameters.stage, generator: parameters.generator, seeds: seeds,
                                              frameIndices: parameters.frameIndices(seed:), compressor: zstd)
        }
        let total = DispatchTime.now().uptimeNanoseconds - t0
        return ClipBody(bytes: frame, renderMilliseconds: Double(rendering) / 1e6,
                        compressMilliseconds: Double(total - min(total, rendering)) / 1e6)
    }

    var serverTiming: String {
        "render;dur=\(Self.format(renderMilliseconds)), compress;dur=\(Self.format(compressMilliseconds))"
    }

    private static func format(_ ms: Double) -> String {
        String((ms * 1000).rounded() / 1000)
    }
}
