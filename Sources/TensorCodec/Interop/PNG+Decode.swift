import CPNG

extension PNG {
    /// Decodes any PNG (grey, palette, 16-bit, with or without alpha) to 8-bit RGB, rows top to
    /// bottom. libpng does the conversions; alpha is composited onto black. Images over
    /// `ImageLimits.maxSide` per side or `ImageLimits.maxDecodedBytes` are rejected before their
    /// pixels are decoded.
    public static func decodeRGB(_ data: [UInt8]) throws(TensorCodecError) -> (width: Int, height: Int, pixels: [UInt8]) {
        guard !data.isEmpty else { throw .png("the input is empty") }
        return try data.withUnsafeBytesTyped { raw throws(TensorCodecError) in try decodeRGB(raw) }
    }

    /// The pointer version; `png_image` reads from `data` until `png_image_finish_read` returns.
    private static func decodeRGB(_ data: UnsafeRawBufferPointer) throws(TensorCodecError) -> (width: Int, height: Int, pixels: [UInt8]) {
        var image = makeImage()
        // libpng frees its state after finish_read or on an error; this covers the paths where we
        // stop early (a size over the limits). png_image_free ignores an image already freed.
        defer { png_image_free(&image) }
        guard png_image_begin_read_from_memory(&image, data.baseAddress, data.count) != 0 else {
            throw error(from: image, fallback: "cannot read the PNG header")
        }
        let width = Int(image.width), height = Int(image.height)
        let byteCount = try ImageLimits.rgbByteCount(width: width, height: height)
        image.format = UInt32(PNG_FORMAT_RGB)
        var pixels = [UInt8](repeating: 0, count: byteCount)
        let finished = pixels.withUnsafeMutableBytes { target in
            png_image_finish_read(&image, nil, target.baseAddress, Int32(width * 3), nil)
        }
        guard finished != 0 else {
            throw error(from: image, fallback: "cannot decode the PNG data")
        }
        return (width, height, pixels)
    }
}
