import CZstd

/// Facts about the linked libzstd, and the one place its `size_t` results become errors.
public enum Zstd {
    /// The runtime library's version, e.g. "1.5.4" (for `/metrics` and `--version`).
    public static var versionString: String { String(cString: ZSTD_versionString()) }

    /// The level the service uses unless configured otherwise: −3 (`--fast=3`).
    ///
    /// Measured on a 2-core box (INTEROP-NOTES.md): solid-colour clips compress 85–96x at every
    /// level from −3 to 3, so the level only matters for noisy textures, where level 1 gains 2.3x
    /// vs 2.2x at −3 but runs at 0.93 GB/s instead of 2.85 GB/s — 3.4 ms instead of 1.1 ms per
    /// clip, more than rendering the clip. Serving must cost a small fraction of rendering, so
    /// the default buys speed; operators on slow links can raise it.
    public static var defaultLevel: Int32 { -3 }

    /// The levels libzstd accepts (`ZSTD_minCLevel()...ZSTD_maxCLevel()`); others are clamped.
    public static var levelRange: ClosedRange<Int32> { ZSTD_minCLevel()...ZSTD_maxCLevel() }

    /// Returns `code` if it is a size, or throws libzstd's name for the error it encodes.
    @discardableResult
    static func check(_ code: Int, _ context: String) throws(TensorCodecError) -> Int {
        guard ZSTD_isError(code) == 0 else {
            throw .zstd("\(context): \(String(cString: ZSTD_getErrorName(code)))")
        }
        return code
    }

    /// The decompressed size recorded in the header of the frame that `frame` starts with, or
    /// nil when the frame does not record it (streaming compressors write such frames).
    static func frameContentSize(_ frame: UnsafeRawBufferPointer) throws(TensorCodecError) -> UInt64? {
        // ZSTD_CONTENTSIZE_UNKNOWN and ZSTD_CONTENTSIZE_ERROR are `(0ULL - 1)` and `(0ULL - 2)`,
        // expressions that Swift does not import.
        let unknown = UInt64.max, error = UInt64.max - 1
        let size = ZSTD_getFrameContentSize(frame.baseAddress, frame.count)
        switch size {
        case unknown:
            return nil
        case error:
            guard frame.count >= 4 else {
                throw .zstd("input of \(frame.count) bytes is too short to be a zstd frame")
            }
            let magic = UInt32(LittleEndian.load(frame[0..<4]))
            let skippable = magic & ZSTD_MAGIC_SKIPPABLE_MASK == ZSTD_MAGIC_SKIPPABLE_START
            guard magic == ZSTD_MAGICNUMBER || skippable else {
                throw .zstd("input is not zstd data (no zstd magic number)")
            }
            throw .zstd("input is truncated inside the zstd frame header")
        default:
            return size
        }
    }

    /// `frameContentSize` for a byte array (tests and callers without a pointer at hand).
    static func frameContentSize(_ frame: [UInt8]) throws(TensorCodecError) -> UInt64? {
        try frame.withUnsafeBytesTyped { raw throws(TensorCodecError) in try frameContentSize(raw) }
    }
}
