/// Explicit little-endian integer encoding, written with shifts so the bytes are right on
/// any host, whatever its byte order and whatever the alignment of the destination.
enum LittleEndian {
    static func bytes(of value: UInt64) -> [UInt8] {
        (0..<8).map { UInt8(truncatingIfNeeded: value >> (8 * $0)) }
    }

    /// Writes `value`'s `byteCount` low bytes, least significant first, at `offset`.
    static func store(_ value: UInt64, byteCount: Int, into bytes: inout [UInt8], at offset: Int) {
        for index in 0..<byteCount {
            bytes[offset + index] = UInt8(truncatingIfNeeded: value >> (8 * index))
        }
    }

    /// Reads an unsigned little-endian integer of `collection`'s length (at most 8 bytes).
    static func load<C: Collection<UInt8>>(_ collection: C) -> UInt64 {
        var value: UInt64 = 0
        for (index, byte) in collection.enumerated() {
            value |= UInt64(byte) << (8 * index)
        }
        return value
    }
}
