/// A parsed, fully validated safetensors document.
///
/// Validation is strict because documents come from the network: the header must describe
/// tensors that tile the data section exactly, so every byte of a document that parses
/// belongs to exactly one tensor, and `data(of:)` can hand out slices without further checks.
public struct SafeTensorsFile: Sendable {
    /// The `__metadata__` object (empty when the header has none).
    public let metadata: [String: String]
    /// The tensors, in the order of their data offsets.
    public let tensors: [TensorSpec]
    private let bytes: [UInt8]
    private let ranges: [String: Range<Int>]

    /// Parses one whole document; `bytes` must hold exactly one document, no more, no less.
    public static func parse(_ bytes: [UInt8]) throws(TensorCodecError) -> SafeTensorsFile {
        let headerLength = try headerLength(of: bytes)
        let dataStart = 8 + headerLength
        guard bytes.count >= dataStart else {
            throw .truncated(expected: dataStart, actual: bytes.count)
        }
        let header = try ParsedHeader(json: bytes[8..<dataStart])
        let expected = dataStart + header.dataLength
        guard bytes.count >= expected else { throw .truncated(expected: expected, actual: bytes.count) }
        guard bytes.count == expected else { throw .trailingBytes(expected: expected, actual: bytes.count) }
        return SafeTensorsFile(
            metadata: header.metadata,
            tensors: header.tensors.map(\.spec),
            bytes: bytes,
            ranges: Dictionary(uniqueKeysWithValues: header.tensors.map {
                ($0.spec.name, ($0.offsets.lowerBound + dataStart)..<($0.offsets.upperBound + dataStart))
            }))
    }

    /// The length of the document that `prefix` begins with, or nil when `prefix` is too short
    /// to tell (fewer than 8 bytes, or not the whole header yet).
    ///
    /// For a stream of documents sent back to back: read until this answers, then read that many
    /// bytes and `parse` them. The header is validated as `parse` would, so a corrupt stream
    /// fails here instead of leading the reader to wait for a bogus length.
    public static func documentLength(prefix: some Collection<UInt8>) throws(TensorCodecError) -> Int? {
        let lengthBytes = Array(prefix.prefix(8))
        guard lengthBytes.count == 8 else { return nil }
        let headerLength = try headerLength(of: lengthBytes)
        let json = Array(prefix.dropFirst(8).prefix(headerLength))
        guard json.count == headerLength else { return nil }
        return 8 + headerLength + (try ParsedHeader(json: json[...]).dataLength)
    }

    /// The raw little-endian bytes of tensor `name`, or nil when there is no such tensor.
    public func data(of name: String) -> ArraySlice<UInt8>? {
        ranges[name].map { bytes[$0] }
    }

    /// Reads and bounds-checks the 8-byte little-endian header length at the start of `bytes`.
    private static func headerLength(of bytes: [UInt8]) throws(TensorCodecError) -> Int {
        guard bytes.count >= 8 else { throw .truncated(expected: 8, actual: bytes.count) }
        let length = LittleEndian.load(bytes[0..<8])
        guard length <= UInt64(SafeTensorsLayout.maxHeaderLength) else {
            throw .headerTooLarge(length: length, limit: SafeTensorsLayout.maxHeaderLength)
        }
        return Int(length)
    }
}
