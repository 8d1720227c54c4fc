import CPNG

extension PNG {
    /// Encodes `width` x `height` 8-bit RGB pixels (rows top to bottom, no padding) as a PNG.
    ///
    /// libpng compresses twice: once with no buffer to learn the size, once into an exactly
    /// sized array. That doubles the cost, which previews can afford, in exchange for never
    /// guessing a buffer size or copying the result.
    public static func encodeRGB(_ pixels: UnsafeRawBufferPointer, width: Int, height: Int)
        throws(TensorCodecError) -> [UInt8]
    {
        let expected = try ImageLimits.rgbByteCount(width: width, height: height)
        guard pixels.count == expected else {
            throw .pixelBufferSize(expected: expected, actual: pixels.count)
        }
        func describe() -> png_image {
            var image = makeImage()
            image.width = UInt32(width)
            image.height = UInt32(height)
            image.format = UInt32(PNG_FORMAT_RGB)
            return image
        }
        let rowStride = Int32(width * 3)

        var image = describe()
        var size: png_alloc_size_t = 0
        guard png_image_write_to_memory(&image, nil, &size, 0, pixels.baseAddress, rowStride, nil) != 0 else {
            defer { png_image_free(&image) }
            throw error(from: image, fallback: "cannot encode the image")
        }

        image = describe()
        var output = [UInt8](repeating: 0, count: Int(size))
        let written = output.withUnsafeMutableBytes { target in
            png_image_write_to_memory(&image, target.baseAddress, &size, 0, pixels.baseAddress, rowStride, nil)
        }
        guard written != 0 else {
            defer { png_image_free(&image) }
            throw error(from: image, fallback: "cannot encode the image")
        }
        output.removeSubrange(Int(size)...)
        return output
    }

    /// Encodes `width` x `height` 8-bit RGB pixels (rows top to bottom, no padding) as a PNG.
    public static func encodeRGB(_ pixels: [UInt8], width: Int, height: Int) throws(TensorCodecError) -> [UInt8] {
        try pixels.withUnsafeBytesTyped { raw throws(TensorCodecError) in
            try encodeRGB(raw, width: width, height: height)
        }
    }
}
