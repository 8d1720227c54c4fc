import CTurboJPEG

extension JPEG {
    /// Encodes `width` x `height` 8-bit RGB pixels (rows top to bottom, no padding) as a baseline
    /// JPEG of `quality` 1...100, colour kept at full resolution (4:4:4, no chroma subsampling).
    ///
    /// Meant for test images and fixtures; the service itself never serves JPEG.
    public static func encodeRGB(width: Int, height: Int, pixels: [UInt8], quality: Int) throws(TensorCodecError) -> [UInt8] {
        try encode(width: width, height: height, pixels: pixels, layout: .rgb, quality: quality)
    }

    /// What `encode` reads and the kind of JPEG it writes. Internal, so tests can build the JPEGs
    /// the public encoder never writes (subsampled, grey, CMYK) and feed them to the decoder.
    enum Layout {
        /// Three bytes per pixel (R, G, B); colour at full resolution (4:4:4).
        case rgb
        /// Three bytes per pixel; colour at half resolution both ways (4:2:0), as most cameras
        /// and web images have it.
        case rgbSubsampled
        /// One grey byte per pixel; a one-component JPEG.
        case grey
        /// Four bytes per pixel (C, M, Y, K); an Adobe YCCK JPEG.
        case cmyk

        var channels: Int {
            switch self {
            case .rgb, .rgbSubsampled: 3
            case .grey: 1
            case .cmyk: 4
            }
        }

        var pixelFormat: Int32 {
            switch self {
            case .rgb, .rgbSubsampled: Int32(TJPF_RGB.rawValue)
            case .grey: Int32(TJPF_GRAY.rawValue)
            case .cmyk: Int32(TJPF_CMYK.rawValue)
            }
        }

        var subsampling: Int32 {
            switch self {
            case .rgb, .cmyk: Int32(TJSAMP_444.rawValue)
            case .rgbSubsampled: Int32(TJSAMP_420.rawValue)
            case .grey: Int32(TJSAMP_GRAY.rawValue)
            }
        }
    }

    /// Encodes `pixels` laid out as `layout` says. TurboJPEG allocates the output (growing it as
    /// needed, which a worst-case `tjBufSize` buffer would not); it is copied into an array and freed.
    static func encode(width: Int, height: Int, pixels: [UInt8], layout: Layout, quality: Int)
        throws(TensorCodecError) -> [UInt8]
    {
        let expected = try ImageLimits.rgbByteCount(width: width, height: height) / 3 * layout.channels
        guard pixels.count == expected else {
            throw .pixelBufferSize(expected: expected, actual: pixels.count)
        }
        guard (1...100).contains(quality) else {
            throw .jpeg("quality must be between 1 and 100, got \(quality)")
        }
        return try withHandle(tjInitCompress) { handle throws(TensorCodecError) in
            var output: UnsafeMutablePointer<UInt8>? = nil
            var size: UInt = 0
            defer { tjFree(output) }
            let status = tjCompress2(handle, pixels, Int32(width), Int32(width * layout.channels), Int32(height),
                                     layout.pixelFormat, &output, &size, layout.subsampling, Int32(quality),
                                     encodeFlags)
            guard status == 0, let output else {
                throw error(from: handle, fallback: "cannot encode the image")
            }
            return Array(UnsafeBufferPointer(start: output, count: Int(size)))
        }
    }
}
