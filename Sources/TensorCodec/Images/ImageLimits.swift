/// The size limits every image codec here (PNG, JPEG) applies, encoding or decoding.
///
/// Decoders check a header's dimensions against them before allocating pixels, so a small
/// hostile file cannot make the process allocate gigabytes.
public enum ImageLimits {
    /// The widest or tallest image accepted.
    public static let maxSide = 16384
    /// The most decoded RGB bytes accepted (256 MiB).
    public static let maxDecodedBytes = 256 << 20

    /// The byte count of a `width` x `height` RGB image, after checking both sides against the
    /// limits. No overflow: both sides are at most `maxSide` before they are multiplied.
    static func rgbByteCount(width: Int, height: Int) throws(TensorCodecError) -> Int {
        guard width >= 1, height >= 1 else {
            throw .invalidImageDimensions(width: width, height: height)
        }
        guard width <= maxSide, height <= maxSide, width * height * 3 <= maxDecodedBytes else {
            throw .imageTooLarge(width: width, height: height)
        }
        return width * height * 3
    }
}
