import Testing
@testable import SyntheticVideo

/// The radius table's nearest-CDF lookup (GENERATORS.md §2.3) against its definition:
/// k* = argmin_k |C_k − u|, ties to the lowest index.
@Suite struct RadiusTableTests {
    static func nearest(_ cdf: [Double], _ u: Double) -> Int {
        var best = 0
        for k in cdf.indices where Swift.abs(cdf[k] - u) < Swift.abs(cdf[best] - u) { best = k }
        return best
    }

    @Test(arguments: [(3, 200), (1, 7), (2, 2), (3, 1)])
    func lookupIsTheNearestCDFPoint(exponent: Int, points: Int) {
        let table = RadiusTable(exponent: exponent, range: 0.1...1.0, points: points)
        // Every table value, the midpoints between neighbours (ties), values just off them, and a
        // sweep of [0, 1] including both ends.
        var us = [0.0, 1.0, -0.5, 1.5]
        for (k, c) in table.cdf.enumerated() {
            us += [c, c.nextUp, c.nextDown]
            if k > 0 { us.append((table.cdf[k - 1] + c) / 2) }
        }
        us += (0...1000).map { Double($0) / 1000 }
        let wrong = us.filter { table.index(for: $0) != Self.nearest(table.cdf, $0) }
        #expect(wrong.count == 0, "u = \(wrong.prefix(5))")
    }
}
