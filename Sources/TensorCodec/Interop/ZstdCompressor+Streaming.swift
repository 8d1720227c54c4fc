import CZstd

extension ZstdCompressor {
    /// Compresses `input` with the streaming API, fed `chunkSize` bytes at a time, without
    /// telling libzstd the total: the frame then does not record its content size, as frames
    /// from `zstd` reading a pipe do not. Internal: it exists so tests can make such frames.
    func compressStreaming(_ input: [UInt8], chunkSize: Int) throws(TensorCodecError) -> [UInt8] {
        precondition(chunkSize > 0, "chunkSize must be positive")
        try Zstd.check(ZSTD_CCtx_reset(context, ZSTD_reset_session_only), "reset failed")
        let context = context
        var output: [UInt8] = []
        let step = Int(ZSTD_CStreamOutSize())
        var chunk = [UInt8](repeating: 0, count: step)
        var offset = 0
        while true {
            let end = min(offset + chunkSize, input.count)
            // The last call (empty input, ZSTD_e_end) only finishes the frame; finishing in the
            // same call as the first input would let zstd learn the size after all.
            let directive = offset < input.count ? ZSTD_e_continue : ZSTD_e_end
            var remaining = 0
            var consumed = 0
            repeat {
                let (code, produced, used) = input.withUnsafeBytes { source in
                    chunk.withUnsafeMutableBytes { target in
                        var inBuffer = ZSTD_inBuffer(src: source.baseAddress.map { $0 + offset + consumed },
                                                     size: end - offset - consumed, pos: 0)
                        var outBuffer = ZSTD_outBuffer(dst: target.baseAddress, size: target.count, pos: 0)
                        let code = ZSTD_compressStream2(context, &outBuffer, &inBuffer, directive)
                        return (code, outBuffer.pos, inBuffer.pos)
                    }
                }
                remaining = try Zstd.check(code, "streaming compression failed")
                output.append(contentsOf: chunk[0..<produced])
                consumed += used
            } while (directive == ZSTD_e_end && remaining != 0) || offset + consumed < end
            if directive == ZSTD_e_end { return output }
            offset = end
        }
    }
}
