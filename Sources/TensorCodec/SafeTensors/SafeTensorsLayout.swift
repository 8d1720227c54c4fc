/// Where every byte of a safetensors document goes, computed before any data exists.
///
/// The server knows a response's exact shape before rendering it, so it writes the header
/// once and lets renderers fill tensors in place at `range(of:)`; nothing is serialised
/// afterwards. Tensors are laid out back to back in the order given, after a header padded
/// with spaces so the data section starts at a multiple of 8 bytes: a tensor whose offset
/// within the data is a multiple of its element size is then aligned in memory too.
public struct SafeTensorsLayout: Sendable {
    /// The largest header the reader accepts (the reference implementation's limit). The
    /// writer refuses to produce anything larger, so every written document can be read.
    public static let maxHeaderLength = 100_000_000

    /// Metadata key that safetensors reserves; it cannot name a tensor.
    static let metadataKey = "__metadata__"

    /// The tensors, in document order.
    public let tensors: [TensorSpec]
    public let metadata: [String: String]
    /// The 8-byte little-endian header length followed by the space-padded JSON header.
    public let header: [UInt8]
    /// Size of the whole document: header plus every tensor's bytes.
    public let totalSize: Int
    private let ranges: [String: Range<Int>]

    public init(tensors: [TensorSpec], metadata: [String: String]) throws(TensorCodecError) {
        var entries: [HeaderJSONWriter.Entry] = []
        entries.reserveCapacity(tensors.count)
        var seen = Set<String>()
        var dataSize = 0
        for spec in tensors {
            guard spec.name != Self.metadataKey else {
                throw .invalidTensor(name: spec.name, reason: "the name is reserved for metadata")
            }
            guard seen.insert(spec.name).inserted else {
                throw .invalidTensor(name: spec.name, reason: "the name is used twice")
            }
            guard let count = spec.checkedByteCount else {
                throw .invalidTensor(name: spec.name,
                                     reason: "shape \(spec.shape) has a negative dimension or overflows")
            }
            let (end, overflow) = dataSize.addingReportingOverflow(count)
            guard !overflow else {
                throw .invalidTensor(name: spec.name, reason: "the document would exceed \(Int.max) bytes")
            }
            entries.append(.init(spec: spec, offsets: dataSize..<end))
            dataSize = end
        }

        var json = HeaderJSONWriter.encode(entries, metadata: metadata)
        let paddedLength = (json.count + 7) & ~7
        guard paddedLength <= Self.maxHeaderLength else {
            throw .headerTooLarge(length: UInt64(paddedLength), limit: Self.maxHeaderLength)
        }
        json.append(contentsOf: repeatElement(UInt8(ascii: " "), count: paddedLength - json.count))

        var header = LittleEndian.bytes(of: UInt64(paddedLength))
        header.append(contentsOf: json)
        let dataStart = header.count
        let (total, overflow) = dataStart.addingReportingOverflow(dataSize)
        guard !overflow else {
            throw .invalidTensor(name: tensors.last?.name ?? "", reason: "the document would exceed \(Int.max) bytes")
        }

        self.tensors = tensors
        self.metadata = metadata
        self.header = header
        self.totalSize = total
        self.ranges = Dictionary(uniqueKeysWithValues: entries.map {
            ($0.spec.name, ($0.offsets.lowerBound + dataStart)..<($0.offsets.upperBound + dataStart))
        })
    }

    /// Offset of the data section within the document (a multiple of 8).
    public var dataStart: Int { header.count }

    /// The byte range of tensor `name` within the whole document, or nil for an unknown name.
    public func range(of name: String) -> Range<Int>? {
        ranges[name]
    }
}
