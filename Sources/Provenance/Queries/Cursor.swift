/// Opaque pagination cursors: `<kind>.<hex of the UTF-8 key>`, e.g. `q.3132` for "after request
/// 12" and `r.72756e2d61` for "after run 'run-a'". Hex keeps any run id URL-safe. The format is
/// not an API: clients pass back what they were given.
enum Cursor {
    enum Kind: String {
        case requests = "q"
        case runs = "r"
    }

    static func encode(_ key: String, kind: Kind) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var text = Array(kind.rawValue.utf8) + [UInt8(ascii: ".")]
        for byte in key.utf8 {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0xf)])
        }
        return String(decoding: text, as: UTF8.self)
    }

    static func decode(_ cursor: String, kind: Kind) throws(ProvenanceError) -> String {
        let bytes = Array(cursor.utf8)
        let prefix = Array(kind.rawValue.utf8) + [UInt8(ascii: ".")]
        guard bytes.count <= 4096, bytes.starts(with: prefix) else {
            throw .invalidCursor("'\(cursor.prefix(64))' was not issued by this listing")
        }
        let hex = bytes.dropFirst(prefix.count)
        guard hex.count % 2 == 0 else { throw .invalidCursor("'\(cursor.prefix(64))' is truncated") }
        var key: [UInt8] = []
        var high: UInt8?
        for byte in hex {
            let nibble: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): nibble = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): nibble = byte - UInt8(ascii: "a") + 10
            default: throw .invalidCursor("'\(cursor.prefix(64))' is not hexadecimal after its prefix")
            }
            if let h = high { key.append(h << 4 | nibble); high = nil } else { high = nibble }
        }
        guard let text = String(validating: key, as: UTF8.self) else {
            throw .invalidCursor("'\(cursor.prefix(64))' does not hold UTF-8 text")
        }
        return text
    }

    static func encodeRequestID(_ id: Int64) -> String { encode(String(id), kind: .requests) }

    static func decodeRequestID(_ cursor: String) throws(ProvenanceError) -> Int64 {
        guard let id = Int64(try decode(cursor, kind: .requests)), id >= 0 else {
            throw .invalidCursor("'\(cursor.prefix(64))' does not name a request")
        }
        return id
    }
}
