import CZstd

/// Compresses whole buffers into single zstd frames that record their content size.
///
/// Owns one `ZSTD_CCtx` and one output scratch buffer and reuses both across calls, so a
/// compression allocates nothing but its result: a fresh multi-megabyte buffer per clip would
/// cost more in page faults than compressing a solid clip does.
///
/// Not thread-safe, and deliberately not `Sendable`: a zstd context must not be used by two
/// threads at once. Give each worker its own compressor.
public final class ZstdCompressor {
    /// The effective level (the requested one clamped to `Zstd.levelRange`).
    public let level: Int32
    let context: OpaquePointer
    var scratch: [UInt8] = []
    /// The frame being built by `beginFrame` / `append` / `finishFrame`.
    var frameOutput: [UInt8] = []

    /// Creates a compressor for `level`; out-of-range levels are clamped as libzstd does, and 0
    /// means libzstd's own default (3).
    public init(level: Int32 = Zstd.defaultLevel) {
        guard let context = ZSTD_createCCtx() else {
            fatalError("zstd: cannot allocate a compression context (out of memory)")
        }
        self.context = context
        self.level = min(max(level, Zstd.levelRange.lowerBound), Zstd.levelRange.upperBound)
        // Neither call can fail for these in-range parameters.
        precondition(ZSTD_isError(ZSTD_CCtx_setParameter(context, ZSTD_c_compressionLevel, self.level)) == 0)
        precondition(ZSTD_isError(ZSTD_CCtx_setParameter(context, ZSTD_c_contentSizeFlag, 1)) == 0)
        // No content checksum: it would cost ~30% of a solid clip's compression time, and
        // HTTP/2 and TLS already protect the bytes in transit.
    }

    deinit {
        ZSTD_freeCCtx(context)
    }

    /// Compresses `input` into one zstd frame whose header records `input.count`.
    public func compress(_ input: UnsafeRawBufferPointer) throws(TensorCodecError) -> [UInt8] {
        let bound = try Zstd.check(ZSTD_compressBound(input.count), "input of \(input.count) bytes is too large")
        if scratch.count < bound {
            scratch = [UInt8](repeating: 0, count: bound)
        }
        let context = context
        let written = scratch.withUnsafeMutableBytes { output in
            ZSTD_compress2(context, output.baseAddress, output.count, input.baseAddress, input.count)
        }
        try Zstd.check(written, "compression failed")
        return Array(scratch[0..<written])
    }

    /// Compresses `input` into one zstd frame whose header records `input.count`.
    public func compress(_ input: [UInt8]) throws(TensorCodecError) -> [UInt8] {
        try input.withUnsafeBytesTyped { raw throws(TensorCodecError) in try compress(raw) }
    }
}
