import CTurboJPEG

/// JPEG decoding of 8-bit RGB images through libjpeg-turbo's TurboJPEG API, and encoding for test
/// images and fixtures.
///
/// TurboJPEG catches libjpeg's `longjmp` errors itself and reports them as a `-1` return plus a
/// message (`tjGetErrorStr2`), so Swift never sees a `longjmp`. Both directions use the accurate
/// integer DCT (`TJFLAG_ACCURATEDCT`), whose SIMD and plain C versions are bit-exact, so the same
/// bytes decode to the same pixels on every CPU. Another libjpeg-turbo version may still round
/// differently: hash decoded pixels in goldens only where that version is pinned.
public enum JPEG {
    /// Decoder flags. Accurate IDCT for determinism; stop at the first warning, because libjpeg
    /// otherwise pads a truncated or corrupt stream with grey and only *warns*; cap the number of
    /// progressive scans, so a small hostile file cannot keep the decoder busy for minutes.
    static let decodeFlags = TJFLAG_ACCURATEDCT | TJFLAG_STOPONWARNING | TJFLAG_LIMITSCANS
    /// Encoder flags: the accurate forward DCT (TurboJPEG's default when encoding is the fast one).
    static let encodeFlags = TJFLAG_ACCURATEDCT

    /// Runs `body` with a fresh TurboJPEG instance from `make` (`tjInitDecompress` or
    /// `tjInitCompress`) and destroys the instance when `body` returns or throws.
    static func withHandle<R>(
        _ make: () -> tjhandle?,
        _ body: (tjhandle) throws(TensorCodecError) -> R
    ) throws(TensorCodecError) -> R {
        guard let handle = make() else {
            throw error(from: nil, fallback: "cannot create a TurboJPEG instance")
        }
        defer { tjDestroy(handle) }
        return try body(handle)
    }

    /// The error TurboJPEG recorded for `handle` (or for the thread, when `handle` is nil), or
    /// `fallback` when it recorded none.
    static func error(from handle: tjhandle?, fallback: String) -> TensorCodecError {
        guard let cString = tjGetErrorStr2(handle) else { return .jpeg(fallback) }
        let message = String(cString: cString)
        return .jpeg(message.isEmpty || message == "No error" ? fallback : message)
    }
}
