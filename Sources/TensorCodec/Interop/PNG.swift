import CPNG

/// PNG encoding and decoding of 8-bit RGB images through libpng's simplified API.
///
/// The simplified API (`png_image_*`) reports errors in `png_image.message` instead of
/// `longjmp`ing out of the call, which Swift cannot survive; the classic API needs `setjmp`.
/// PNGs here are what people look at (frame previews), so they favour simplicity over speed.
public enum PNG {
    /// The widest or tallest image accepted, encoding or decoding (the same as `ImageLimits.maxSide`).
    public static let maxSide = ImageLimits.maxSide
    /// The most decoded RGB bytes accepted (the same as `ImageLimits.maxDecodedBytes`).
    public static let maxDecodedBytes = ImageLimits.maxDecodedBytes

    /// The runtime libpng's version, e.g. "1.6.39".
    public static var versionString: String { String(cString: png_get_libpng_ver(nil)) }

    /// A fresh `png_image` for libpng: all fields zero, `opaque` nil, version set.
    static func makeImage() -> png_image {
        var image = png_image()
        image.version = UInt32(PNG_IMAGE_VERSION)
        return image
    }

    /// The error libpng left in `image.message` (a NUL-terminated `char[64]`), or `fallback`.
    static func error(from image: png_image, fallback: String) -> TensorCodecError {
        let bytes = withUnsafeBytes(of: image.message) { Array($0) }
        let message = String(decoding: bytes[..<(bytes.firstIndex(of: 0) ?? bytes.count)], as: UTF8.self)
        return .png(message.isEmpty ? fallback : message)
    }
}
