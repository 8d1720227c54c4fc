import CZstd

extension ZstdCompressor {
    /// Starts one zstd frame of exactly `contentSize` bytes, fed piece by piece with `append`
    /// and closed by `finishFrame`. The size is pledged up front, so the frame header records
    /// it as `compress` does; a document can then be compressed as it is produced, without ever
    /// holding it whole.
    public func beginFrame(contentSize: Int) throws(TensorCodecError) {
        try Zstd.check(ZSTD_CCtx_reset(context, ZSTD_reset_session_only), "reset failed")
        try Zstd.check(ZSTD_CCtx_setPledgedSrcSize(context, UInt64(contentSize)), "cannot pledge \(contentSize) bytes")
        frameOutput.removeAll(keepingCapacity: true)
    }

    /// Compresses the next piece of the frame begun with `beginFrame`.
    public func append(_ input: UnsafeRawBufferPointer) throws(TensorCodecError) {
        try stream(input, directive: ZSTD_e_continue)
    }

    /// Compresses the next piece of the frame begun with `beginFrame`.
    public func append(_ input: [UInt8]) throws(TensorCodecError) {
        try input.withUnsafeBytesTyped { raw throws(TensorCodecError) in try append(raw) }
    }

    /// Ends the frame (libzstd checks that exactly the pledged size was appended) and returns it.
    public func finishFrame() throws(TensorCodecError) -> [UInt8] {
        try stream(UnsafeRawBufferPointer(start: nil, count: 0), directive: ZSTD_e_end)
        return frameOutput
    }

    private func stream(_ input: UnsafeRawBufferPointer, directive: ZSTD_EndDirective) throws(TensorCodecError) {
        let step = Int(ZSTD_CStreamOutSize())
        if scratch.count < step { scratch = [UInt8](repeating: 0, count: step) }
        let context = context
        var consumed = 0
        var remaining = 0
        repeat {
            let (code, produced, used) = scratch.withUnsafeMutableBytes { target in
                var inBuffer = ZSTD_inBuffer(src: input.baseAddress.map { $0 + consumed },
                                             size: input.count - consumed, pos: 0)
                var outBuffer = ZSTD_outBuffer(dst: target.baseAddress, size: step, pos: 0)
                let code = ZSTD_compressStream2(context, &outBuffer, &inBuffer, directive)
                return (code, outBuffer.pos, inBuffer.pos)
            }
            remaining = try Zstd.check(code, "streaming compression failed")
            frameOutput.append(contentsOf: scratch[0..<produced])
            consumed += used
        } while consumed < input.count || (directive == ZSTD_e_end && remaining != 0)
    }
}
