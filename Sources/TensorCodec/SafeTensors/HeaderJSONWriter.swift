/// Writes a safetensors header as compact JSON, byte for byte deterministic.
///
/// Hand-written rather than `JSONSerialization` because the header's bytes are part of every
/// clip's response and must not depend on a Foundation version's key order or number and
/// escaping style: tensors appear in the order given, metadata keys sorted by their UTF-8
/// bytes, integers in decimal, strings escaped per RFC 8259 (only `"`, `\` and controls).
enum HeaderJSONWriter {
    /// One tensor entry: its spec and its byte range relative to the start of the data section.
    struct Entry {
        var spec: TensorSpec
        var offsets: Range<Int>
    }

    static func encode(_ entries: [Entry], metadata: [String: String]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(128 + 96 * entries.count + metadata.reduce(0) { $0 + $1.key.utf8.count + $1.value.utf8.count })
        out.append(UInt8(ascii: "{"))
        var first = true
        func separator() {
            if !first { out.append(UInt8(ascii: ",")) }
            first = false
        }
        if !metadata.isEmpty {
            separator()
            appendString("__metadata__", to: &out)
            out.append(contentsOf: ":{".utf8)
            // Sort by UTF-8 bytes, not by String's ordering, so the order is the same
            // everywhere regardless of Unicode normalisation rules.
            let sorted = metadata.sorted { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }
            for (index, (key, value)) in sorted.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                appendString(key, to: &out)
                out.append(UInt8(ascii: ":"))
                appendString(value, to: &out)
            }
            out.append(UInt8(ascii: "}"))
        }
        for entry in entries {
            separator()
            appendString(entry.spec.name, to: &out)
            out.append(contentsOf: #":{"dtype":"#.utf8)
            appendString(entry.spec.dtype.rawValue, to: &out)
            out.append(contentsOf: #","shape":["#.utf8)
            out.append(contentsOf: entry.spec.shape.map(String.init).joined(separator: ",").utf8)
            out.append(contentsOf: #"],"data_offsets":["#.utf8)
            out.append(contentsOf: "\(entry.offsets.lowerBound),\(entry.offsets.upperBound)]}".utf8)
        }
        out.append(UInt8(ascii: "}"))
        return out
    }

    /// Appends `string` as a JSON string literal. Non-ASCII passes through as UTF-8 (a Swift
    /// `String` is always valid Unicode), so only ASCII bytes can need escaping.
    static func appendString(_ string: String, to out: inout [UInt8]) {
        let hex = Array("0123456789abcdef".utf8)
        out.append(UInt8(ascii: "\""))
        for byte in string.utf8 {
            switch byte {
            case UInt8(ascii: "\""): out.append(contentsOf: #"\""#.utf8)
            case UInt8(ascii: "\\"): out.append(contentsOf: #"\\"#.utf8)
            case 0x0A: out.append(contentsOf: #"\n"#.utf8)
            case 0x0D: out.append(contentsOf: #"\r"#.utf8)
            case 0x09: out.append(contentsOf: #"\t"#.utf8)
            case 0x08: out.append(contentsOf: #"\b"#.utf8)
            case 0x0C: out.append(contentsOf: #"\f"#.utf8)
            case 0x00..<0x20:
                out.append(contentsOf: #"\u00"#.utf8)
                out.append(hex[Int(byte >> 4)])
                out.append(hex[Int(byte & 0x0F)])
            default: out.append(byte)
            }
        }
        out.append(UInt8(ascii: "\""))
    }
}
