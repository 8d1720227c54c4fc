import CZstd

/// Decompresses one zstd frame, with or without a recorded content size, up to a size limit.
///
/// Uses libzstd's streaming decoder for every frame so that truncation is recognised for what
/// it is (the input ends while the frame still wants more) instead of surfacing as a generic
/// libzstd error, and so that an unknown size is handled by growing the output. A recorded
/// size only pre-sizes the output and is checked against the limit before anything is decoded.
///
/// Owns one `ZSTD_DCtx`, reused across calls. Not thread-safe and not `Sendable`: one per worker.
public final class ZstdDecompressor {
    private let context: OpaquePointer

    public init() {
        guard let context = ZSTD_createDCtx() else {
            fatalError("zstd: cannot allocate a decompression context (out of memory)")
        }
        self.context = context
    }

    deinit {
        ZSTD_freeDCtx(context)
    }

    /// The content of the single zstd frame `input`. Throws `.decompressedTooLarge` when it would
    /// exceed `maxOutputSize` bytes, and `.zstd` for input that is empty, not zstd, truncated,
    /// corrupt, or followed by further bytes.
    public func decompress(_ input: [UInt8], maxOutputSize: Int) throws(TensorCodecError) -> [UInt8] {
        precondition(maxOutputSize >= 0, "maxOutputSize must not be negative")
        return try input.withUnsafeBytesTyped { raw throws(TensorCodecError) in
            try decompress(raw, maxOutputSize: maxOutputSize)
        }
    }

    private func decompress(_ input: UnsafeRawBufferPointer, maxOutputSize: Int) throws(TensorCodecError) -> [UInt8] {
        try Zstd.check(ZSTD_DCtx_reset(context, ZSTD_reset_session_only), "reset failed")
        let contentSize = try Zstd.frameContentSize(input)
        if let contentSize, contentSize > UInt64(maxOutputSize) {
            throw .decompressedTooLarge(limit: maxOutputSize)
        }
        // One byte of room beyond the limit: if the decoder fills it, the output is too large.
        let capacityLimit = maxOutputSize == Int.max ? Int.max : maxOutputSize + 1
        let initialCapacity = contentSize.map { Int($0) < capacityLimit ? Int($0) + 1 : capacityLimit }
            ?? min(Int(ZSTD_DStreamOutSize()), capacityLimit)
        var output = [UInt8](repeating: 0, count: initialCapacity)
        var produced = 0
        var consumed = 0
        let context = context
        while true {
            if produced == output.count {
                let grown = min(capacityLimit, max(output.count, 1 << 16) * 2)
                output.append(contentsOf: repeatElement(0, count: grown - output.count))
            }
            let before = (consumed, produced)
            let code = output.withUnsafeMutableBytes { target in
                var inBuffer = ZSTD_inBuffer(src: input.baseAddress, size: input.count, pos: consumed)
                var outBuffer = ZSTD_outBuffer(dst: target.baseAddress, size: target.count, pos: produced)
                let code = ZSTD_decompressStream(context, &outBuffer, &inBuffer)
                consumed = inBuffer.pos
                produced = outBuffer.pos
                return code
            }
            let remaining = try Zstd.check(code, "corrupt input")
            guard produced <= maxOutputSize else { throw .decompressedTooLarge(limit: maxOutputSize) }
            if remaining == 0 {
                guard consumed == input.count else {
                    throw .zstd("\(input.count - consumed) bytes follow the end of the zstd frame")
                }
                break
            }
            if produced < output.count {
                // With room left in the output, the decoder only stops for lack of input: all of it
                // used means the frame is cut short. Otherwise it must have progressed (defensive).
                guard consumed < input.count else {
                    throw .zstd("input is truncated: it ends before the end of the zstd frame")
                }
                guard (consumed, produced) != before else {
                    throw .zstd("corrupt input: the decoder made no progress")
                }
            }
        }
        output.removeSubrange(produced...)
        return output
    }
}
