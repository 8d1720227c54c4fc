import Testing
@testable import SyntheticVideo

/// The rasterizer's integer division helpers against their definitions.
@Suite struct FloorDivisionTests {
    static let values = Array(-40...40) + [1 << 40, -(1 << 40), 999_983, -999_983]

    /// q = ⌊n / d⌋ exactly when q·d ≤ n < (q + 1)·d for d > 0 (reversed for d < 0).
    @Test func floorDivisionIsTheFloorOfTheQuotient() {
        var wrong: [(Int, Int)] = []
        for n in Self.values {
            for d in Self.values where d != 0 {
                let q = floorDivision(n, d)
                let (low, high) = (q * d, (q + 1) * d)
                if d > 0 ? !(low <= n && n < high) : !(high < n && n <= low) { wrong.append((n, d)) }
            }
        }
        #expect(wrong.count == 0, "\(wrong.prefix(5))")
    }

    /// ⌊(n + i·step) / d⌋ step by step equals the direct division, for numerators and steps of
    /// both signs.
    @Test func incrementalQuotientFollowsTheDirectDivision() {
        var wrong: [String] = []
        for n in [-37, -5, -1, 0, 1, 6, 41] {
            for step in [-9, -4, -1, 0, 2, 7, 13] {
                for d in [1, 2, 3, 8, 11] {
                    var x = IncrementalQuotient(numerator: n, step: step, divisor: d)
                    for i in 0..<30 {
                        if x.quotient != floorDivision(n + i * step, d) { wrong.append("n \(n) step \(step) d \(d) i \(i)") }
                        x.advance()
                    }
                }
            }
        }
        #expect(wrong.count == 0, "\(wrong.prefix(5))")
    }
}
