/// Every failure of the codec library, as one typed enum.
///
/// Each case carries the data a person needs to see what went wrong, because the
/// `description` ends up verbatim in CLI output and in HTTP problem details. The
/// service maps these cases to statuses in one place; nothing here knows about HTTP.
public enum TensorCodecError: Error, Equatable, CustomStringConvertible {
    // MARK: Reading safetensors documents

    /// The buffer ends before a part that its own header announces (length prefix, header, data).
    case truncated(expected: Int, actual: Int)
    /// The buffer is longer than the document its header describes.
    case trailingBytes(expected: Int, actual: Int)
    /// The header length is above `limit`, the most the reader accepts (protects memory).
    case headerTooLarge(length: UInt64, limit: Int)
    /// The header is not a UTF-8 JSON object of the expected structure.
    case malformedHeader(String)
    /// A tensor names a dtype this library does not know.
    case unknownDType(tensor: String, dtype: String)
    /// A tensor's shape is not a list of non-negative integers (or its size overflows).
    case invalidShape(tensor: String, reason: String)
    /// A tensor's `data_offsets` is not a pair of ascending non-negative integers.
    case invalidDataOffsets(tensor: String, reason: String)
    /// A tensor's byte range does not hold exactly `product(shape) · dtype size` bytes.
    case tensorSizeMismatch(tensor: String, expected: Int, actual: Int)
    /// Two tensors claim some of the same bytes.
    case overlappingTensors(String, String)
    /// Bytes of the data section (offsets relative to its start) that no tensor covers.
    case dataGap(before: String, range: Range<Int>)
    /// `__metadata__` is not an object mapping strings to strings.
    case invalidMetadata(String)

    // MARK: Writing safetensors documents

    /// A tensor cannot be written as given (reserved or duplicate name, bad shape, too large).
    case invalidTensor(name: String, reason: String)
    /// A document dimension (batch size, frames, height, width) is out of range.
    case invalidDimension(name: String, value: Int)

    // MARK: zstd

    /// libzstd failed, or the input is not a single complete zstd frame.
    case zstd(String)
    /// Decompressing would produce more than `limit` bytes.
    case decompressedTooLarge(limit: Int)

    // MARK: PNG

    /// libpng failed; the string is libpng's own message where it gave one.
    case png(String)

    // MARK: JPEG

    /// libjpeg-turbo failed (corrupt or truncated data, a warning it was told to stop on), or the
    /// JPEG is one the decoder does not accept (CMYK); the string is TurboJPEG's message where it
    /// gave one.
    case jpeg(String)

    // MARK: Images (PNG and JPEG)

    /// The bytes are neither a PNG nor a JPEG; `leadingBytes` are the first few (none when empty).
    case unknownImageFormat(leadingBytes: [UInt8])
    /// An image is empty or has a negative side.
    case invalidImageDimensions(width: Int, height: Int)
    /// An image is larger than the codec accepts (per side or in decoded bytes).
    case imageTooLarge(width: Int, height: Int)
    /// A pixel buffer does not hold `width · height · channels` bytes (3 for RGB).
    case pixelBufferSize(expected: Int, actual: Int)

    public var description: String {
        switch self {
        case let .truncated(expected, actual):
            "safetensors document is truncated: expected \(expected) bytes, got \(actual)"
        case let .trailingBytes(expected, actual):
            "safetensors document has \(actual - expected) unexpected bytes after its end "
                + "(the header describes \(expected) bytes, got \(actual))"
        case let .headerTooLarge(length, limit):
            "safetensors header length \(length) exceeds the limit of \(limit) bytes"
        case let .malformedHeader(reason):
            "malformed safetensors header: \(reason)"
        case let .unknownDType(tensor, dtype):
            "tensor '\(tensor)' has unknown dtype '\(dtype)'"
        case let .invalidShape(tensor, reason):
            "tensor '\(tensor)' has an invalid shape: \(reason)"
        case let .invalidDataOffsets(tensor, reason):
            "tensor '\(tensor)' has invalid data_offsets: \(reason)"
        case let .tensorSizeMismatch(tensor, expected, actual):
            "tensor '\(tensor)' spans \(actual) bytes but its dtype and shape need \(expected)"
        case let .overlappingTensors(first, second):
            "tensors '\(first)' and '\(second)' overlap"
        case let .dataGap(before, range):
            "bytes \(range.lowerBound)..<\(range.upperBound) of the data section, before tensor "
                + "'\(before)', belong to no tensor"
        case let .invalidMetadata(reason):
            "invalid __metadata__: \(reason)"
        case let .invalidTensor(name, reason):
            "cannot write tensor '\(name)': \(reason)"
        case let .invalidDimension(name, value):
            "\(name) must be at least 1, got \(value)"
        case let .zstd(reason):
            "zstd: \(reason)"
        case let .decompressedTooLarge(limit):
            "zstd: decompressed data exceeds the limit of \(limit) bytes"
        case let .png(reason):
            "PNG: \(reason)"
        case let .jpeg(reason):
            "JPEG: \(reason)"
        case let .unknownImageFormat(leadingBytes) where leadingBytes.isEmpty:
            "image: the input is empty (expected a PNG or JPEG file)"
        case let .unknownImageFormat(leadingBytes):
            "image: not a PNG or JPEG file (it starts with \(Self.hex(leadingBytes)))"
        case let .invalidImageDimensions(width, height):
            "image dimensions \(width)x\(height) are invalid (both must be at least 1)"
        case let .imageTooLarge(width, height):
            "image \(width)x\(height) exceeds the limit of \(ImageLimits.maxSide) pixels per side "
                + "or \(ImageLimits.maxDecodedBytes) decoded bytes"
        case let .pixelBufferSize(expected, actual):
            "pixel buffer has \(actual) bytes, expected \(expected) (width x height x channels)"
        }
    }

    /// Bytes as upper-case hex pairs separated by spaces, e.g. "47 49 46 38".
    private static func hex(_ bytes: [UInt8]) -> String {
        bytes.map { ($0 < 16 ? "0" : "") + String($0, radix: 16, uppercase: true) }.joined(separator: " ")
    }
}
