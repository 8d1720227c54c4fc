import Foundation
import Testing
@testable import TensorCodec

/// SplitMix64: reproducible pseudo-random bytes, so a failing test fails the same way twice.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

func randomBytes(_ count: Int, seed: UInt64) -> [UInt8] {
    var generator = SplitMix64(state: seed)
    var bytes: [UInt8] = []
    bytes.reserveCapacity(count + 7)
    while bytes.count < count {
        let word = generator.next()
        for shift in stride(from: 0, to: 64, by: 8) { bytes.append(UInt8(truncatingIfNeeded: word >> shift)) }
    }
    return Array(bytes.prefix(count))
}

/// A safetensors document from a literal header (unpadded) and data section.
func rawDocument(header json: String, data: [UInt8] = []) -> [UInt8] {
    let header = Array(json.utf8)
    return rawDocument(headerBytes: header, data: data)
}

func rawDocument(headerBytes header: [UInt8], data: [UInt8] = []) -> [UInt8] {
    LittleEndian.bytes(of: UInt64(header.count)) + header + data
}

/// The enum case name of an error, to match errors whose message text is not pinned.
func caseName(_ error: TensorCodecError) -> String {
    Mirror(reflecting: error).children.first?.label ?? String(describing: error)
}

/// Parses a layout's JSON header back with Foundation, as an independent reader would.
func headerObject(_ header: [UInt8]) throws -> [String: Any] {
    let json = Data(header[8...])
    return try #require(JSONSerialization.jsonObject(with: json) as? [String: Any])
}
