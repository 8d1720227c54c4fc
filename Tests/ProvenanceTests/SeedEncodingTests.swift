@testable import Provenance
import Testing

@Suite struct SeedEncodingTests {
    static let seeds: [UInt64] = [0, 1, 1 << 62, (1 << 63) - 1, 1 << 63, (1 << 63) + 1, .max - 1, .max]

    @Test(arguments: seeds) func bitPatternRoundTrips(seed: UInt64) {
        #expect(SeedEncoding.seed(stored: SeedEncoding.stored(seed)) == seed)
    }

    @Test func orderKeysKeepUnsignedOrder() {
        for (a, b) in zip(Self.seeds, Self.seeds.dropFirst()) {
            #expect(SeedEncoding.orderKey(a) < SeedEncoding.orderKey(b), "\(a) < \(b)")
        }
    }

    @Test func timestampsAreFixedWidthUTC() {
        #expect(Timestamp.format(unixMilliseconds: 0) == "1970-01-01T00:00:00.000Z")
        #expect(Timestamp.format(unixMilliseconds: 1_738_367_999_123) == "2025-01-31T23:59:59.123Z")
        #expect(Timestamp.isValid(Timestamp.now()))
        #expect(Timestamp.isValidBound("2025-01-31"))
        #expect(!Timestamp.isValidBound("2025-1-31"))
        #expect(!Timestamp.isValidBound("yesterday"))
    }
}
