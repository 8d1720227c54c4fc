import CTurboJPEG

extension JPEG {
    /// Decodes a baseline or progressive JPEG (YCbCr, RGB or grey; any chroma subsampling) to 8-bit
    /// RGB, rows top to bottom. Grey images come out with three equal channels. CMYK and YCCK
    /// JPEGs are rejected: turning ink amounts into display colours needs a colour profile, which
    /// is out of scope here. Images over `ImageLimits.maxSide` per side or
    /// `ImageLimits.maxDecodedBytes` are rejected before their pixels are decoded.
    ///
    /// Strict by design: anything libjpeg would only warn about (a truncated file, corrupt entropy
    /// data that it notices, extraneous bytes before a marker) throws instead of yielding
    /// partly grey pixels. JPEG has no checksum, so corruption that still parses can decode to
    /// wrong pixels without an error.
    public static func decodeRGB(_ data: [UInt8]) throws(TensorCodecError) -> (width: Int, height: Int, pixels: [UInt8]) {
        guard !data.isEmpty else { throw .jpeg("the input is empty") }
        return try withHandle(tjInitDecompress) { handle throws(TensorCodecError) in
            var width: Int32 = 0, height: Int32 = 0, subsampling: Int32 = 0, colorspace: Int32 = 0
            guard tjDecompressHeader3(handle, data, UInt(data.count), &width, &height, &subsampling, &colorspace) == 0 else {
                throw error(from: handle, fallback: "cannot read the JPEG header")
            }
            // A stream that ends before its frame header reads as a tables-only stream (quantization
            // and Huffman tables, no image): success, with width and height left at 0.
            guard width > 0, height > 0 else {
                throw .jpeg("the data holds no image (it ends before the frame header)")
            }
            if colorspace == Int32(TJCS_CMYK.rawValue) || colorspace == Int32(TJCS_YCCK.rawValue) {
                throw .jpeg("CMYK JPEGs are not supported (converting ink to RGB needs a colour profile); "
                    + "convert the image to RGB first")
            }
            // Checked before the multiplications below, which then cannot overflow Int32.
            let byteCount = try ImageLimits.rgbByteCount(width: Int(width), height: Int(height))
            var pixels = [UInt8](repeating: 0, count: byteCount)
            let status = tjDecompress2(handle, data, UInt(data.count), &pixels, width, width * 3, height,
                                       Int32(TJPF_RGB.rawValue), decodeFlags)
            guard status == 0 else {
                throw error(from: handle, fallback: "cannot decode the JPEG data")
            }
            return (Int(width), Int(height), pixels)
        }
    }
}
