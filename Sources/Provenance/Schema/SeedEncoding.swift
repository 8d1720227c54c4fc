/// How `UInt64` seeds live in SQLite's signed 64-bit INTEGER columns.
///
/// - `seed_first` holds the seed's **bit pattern** (`Int64(bitPattern:)`): seeds below 2^63 read
///   as themselves in any SQLite tool; seeds from 2^63 up read as negative numbers. Converting
///   back with `UInt64(bitPattern:)` is exact for every seed, including `UInt64.max` (stored as -1).
/// - `seed_lo` / `seed_hi` hold **order keys** of the first and last seed of a row's range: the
///   seed with its top bit flipped, as a bit pattern (`seed − 2^63`). Unlike the bit pattern,
///   this keeps the order of `UInt64` in SQLite's signed order, so the range test
///   `seed_lo <= key(s) AND seed_hi >= key(s)` is right for ranges on both sides of 2^63 and
///   for ranges that cross it. Only lookups use them.
enum SeedEncoding {
    static func stored(_ seed: UInt64) -> Int64 { Int64(bitPattern: seed) }
    static func seed(stored value: Int64) -> UInt64 { UInt64(bitPattern: value) }
    static func orderKey(_ seed: UInt64) -> Int64 { Int64(bitPattern: seed ^ (1 << 63)) }
}
