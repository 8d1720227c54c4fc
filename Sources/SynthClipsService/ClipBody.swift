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
        let t0 = DispatchTime.now().uptimeNanoseconds
        let document = try ClipDocument.render(stage: parameters.stage, generator: parameters.generator, seeds: seeds,
                                               frameIndices: parameters.frameIndices(seed:))
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
