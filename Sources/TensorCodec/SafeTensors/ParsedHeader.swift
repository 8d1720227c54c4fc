import Foundation

/// The validated content of a safetensors JSON header: tensors with their byte ranges relative
/// to the data section (sorted by offset) and the metadata.
///
/// Parsing goes through `JSONSerialization`, which is lenient in ways a strict reader must undo:
/// it turns every number into an `NSNumber` (so `1.0`, `true` and `1` all convert to `Int`) and
/// it silently keeps one of two duplicate keys. `integer(_:)` rejects floats and booleans by the
/// number's recorded type; duplicate keys cannot be seen and are left to JSONSerialization.
struct ParsedHeader {
    struct Tensor {
        var spec: TensorSpec
        var offsets: Range<Int>
    }

    var tensors: [Tensor] = []
    var metadata: [String: String] = [:]
    /// Bytes of the data section that the tensors tile exactly.
    var dataLength = 0

    /// The fields of a tensor entry, in the order a missing one is reported.
    private static let tensorKeys = ["dtype", "shape", "data_offsets"]

    init(json: ArraySlice<UInt8>) throws(TensorCodecError) {
        guard json.first == UInt8(ascii: "{") else {
            throw .malformedHeader("the header must start with '{'")
        }
        guard String(validating: json, as: UTF8.self) != nil else {
            throw .malformedHeader("the header is not valid UTF-8")
        }
        let object: Any
        do {
            object = try JSONSerialization.jsonObject(with: Data(json))
        } catch {
            let detail = (error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String
            throw .malformedHeader("the header is not valid JSON" + (detail.map { " (\($0))" } ?? ""))
        }
        guard let entries = object as? [String: Any] else {
            throw .malformedHeader("the header is not a JSON object")
        }
        for (name, value) in entries {
            if name == SafeTensorsLayout.metadataKey {
                metadata = try Self.metadata(value)
            } else {
                tensors.append(try Self.tensor(name, value))
            }
        }
        tensors.sort {
            ($0.offsets.lowerBound, $0.offsets.upperBound, $0.spec.name)
                < ($1.offsets.lowerBound, $1.offsets.upperBound, $1.spec.name)
        }
        // Sorted by offset, the tensors tile the data section iff each starts where the one
        // before it ended (the first at 0); any other start is an overlap or a gap.
        var previous: Tensor?
        for tensor in tensors {
            let begin = tensor.offsets.lowerBound
            if begin < dataLength, let previous {
                throw .overlappingTensors(previous.spec.name, tensor.spec.name)
            }
            if begin > dataLength {
                throw .dataGap(before: tensor.spec.name, range: dataLength..<begin)
            }
            dataLength = tensor.offsets.upperBound
            previous = tensor
        }
    }

    private static func metadata(_ value: Any) throws(TensorCodecError) -> [String: String] {
        guard let object = value as? [String: Any] else {
            throw .invalidMetadata("it is not a JSON object")
        }
        var metadata: [String: String] = [:]
        for (key, value) in object {
            guard let string = value as? String else {
                throw .invalidMetadata("the value of '\(key)' is not a string")
            }
            metadata[key] = string
        }
        return metadata
    }

    private static func tensor(_ name: String, _ value: Any) throws(TensorCodecError) -> Tensor {
        guard let fields = value as? [String: Any] else {
            throw .malformedHeader("the entry for tensor '\(name)' is not a JSON object")
        }
        for key in tensorKeys where fields[key] == nil {
            throw .malformedHeader("tensor '\(name)' has no \"\(key)\"")
        }
        if let unknown = fields.keys.sorted().first(where: { !tensorKeys.contains($0) }) {
            throw .malformedHeader("tensor '\(name)' has an unknown field \"\(unknown)\"")
        }

        guard let dtypeName = fields["dtype"] as? String else {
            throw .malformedHeader("the dtype of tensor '\(name)' is not a string")
        }
        guard let dtype = DType(rawValue: dtypeName) else {
            throw .unknownDType(tensor: name, dtype: dtypeName)
        }

        guard let dimensions = fields["shape"] as? [Any] else {
            throw .invalidShape(tensor: name, reason: "it is not a JSON array")
        }
        var shape: [Int] = []
        for (index, dimension) in dimensions.enumerated() {
            guard let size = integer(dimension), size >= 0 else {
                throw .invalidShape(tensor: name,
                                    reason: "dimension \(index) (\(dimension)) is not a non-negative integer")
            }
            shape.append(size)
        }
        let spec = TensorSpec(name: name, dtype: dtype, shape: shape)
        guard let expected = spec.checkedByteCount else {
            throw .invalidShape(tensor: name, reason: "its byte count overflows")
        }

        guard let pair = fields["data_offsets"] as? [Any], pair.count == 2 else {
            throw .invalidDataOffsets(tensor: name, reason: "it is not an array of two integers")
        }
        guard let begin = integer(pair[0]), let end = integer(pair[1]), begin >= 0 else {
            throw .invalidDataOffsets(tensor: name, reason: "\(pair) are not two non-negative integers")
        }
        guard begin <= end else {
            throw .invalidDataOffsets(tensor: name, reason: "begin \(begin) is after end \(end)")
        }
        guard end - begin == expected else {
            throw .tensorSizeMismatch(tensor: name, expected: expected, actual: end - begin)
        }
        return Tensor(spec: spec, offsets: begin..<end)
    }

    /// The value as an `Int` if it was written in the JSON as an integer that fits, else nil.
    /// `NSNumber` records how it was parsed: "c" for booleans, "d" for anything with a
    /// fraction or exponent (so `2.0` and `1e2` are rejected as non-integers, on purpose).
    static func integer(_ value: Any) -> Int? {
        guard let number = value as? NSNumber else { return nil }
        switch String(cString: number.objCType) {
        case "c", "B", "d", "f": return nil
        default: return value as? Int
        }
    }
}
