/// An image file of either format the codec reads, told apart by its first bytes.
public enum ImageFile {
    /// The formats `decodeRGB` recognises.
    public enum Format: Sendable, Equatable {
        case png
        case jpeg
    }

    /// The format `data` starts like: PNG's signature (89 50 4E 47 …) or a JPEG's start-of-image
    /// marker followed by another marker (FF D8 FF), or nil for anything else. Only the first
    /// bytes are looked at; the decoder finds out whether the rest is valid.
    public static func format(of data: [UInt8]) -> Format? {
        if data.starts(with: [0x89, 0x50, 0x4E, 0x47]) { return .png }
        if data.starts(with: [0xFF, 0xD8, 0xFF]) { return .jpeg }
        return nil
    }

    /// Decodes a PNG or JPEG file to 8-bit RGB, rows top to bottom, with that format's decoder
    /// (`PNG.decodeRGB` or `JPEG.decodeRGB`, whose errors it passes on). Anything else, the empty
    /// input included, throws `unknownImageFormat` carrying the first bytes.
    public static func decodeRGB(_ data: [UInt8]) throws(TensorCodecError) -> (width: Int, height: Int, pixels: [UInt8]) {
        switch format(of: data) {
        case .png: try PNG.decodeRGB(data)
        case .jpeg: try JPEG.decodeRGB(data)
        case nil: throw .unknownImageFormat(leadingBytes: Array(data.prefix(8)))
        }
    }
}
