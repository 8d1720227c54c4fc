import COpenSSL

/// SHA-256 through OpenSSL's libcrypto: the only C in this library.
enum SHA256 {
    static func digest(_ buffer: UnsafeRawBufferPointer) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: 32)
        var size: UInt32 = 0
        let ok = out.withUnsafeMutableBufferPointer { output in
            EVP_Digest(buffer.baseAddress, buffer.count, output.baseAddress, &size, EVP_sha256(), nil)
        }
        precondition(ok == 1 && size == 32, "EVP_Digest(SHA-256) failed")
        return out
    }

    static func digest(_ bytes: [UInt8]) -> [UInt8] {
        bytes.withUnsafeBytes { digest($0) }
    }
}

/// Lower-case hexadecimal text of bytes.
func hexString(_ bytes: [UInt8]) -> String {
    let digits = Array("0123456789abcdef".utf8)
    var text = [UInt8]()
    text.reserveCapacity(bytes.count * 2)
    for b in bytes {
        text.append(digits[Int(b >> 4)])
        text.append(digits[Int(b & 15)])
    }
    return String(decoding: text, as: UTF8.self)
}

/// Hex SHA-256 of raw bytes: pins golden clips (`render --digest`, tests).
public func sha256Hex(_ buffer: UnsafeRawBufferPointer) -> String { hexString(SHA256.digest(buffer)) }

/// Hex SHA-256 of a byte array.
public func sha256Hex(_ bytes: [UInt8]) -> String { hexString(SHA256.digest(bytes)) }
