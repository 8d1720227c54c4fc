import Testing
@testable import SyntheticVideo

/// `HistogramTarget.extremes` is `(values.min(), values.max())` in one pass, with their exact
/// semantics: matching depends on which of two equal extremes (±0) it returns.
@Suite struct HistogramMatchTests {
    static func same(_ a: (Double, Double)?, _ b: (Double?, Double?)) -> Bool {
        guard let a, let min = b.0, let max = b.1 else { return a == nil && b.0 == nil && b.1 == nil }
        func bits(_ x: Double) -> UInt64 { x.isNaN ? 0x7FF8_0000_0000_0000 : x.bitPattern }
        return bits(a.0) == bits(min) && bits(a.1) == bits(max)
    }

    @Test(arguments: [
        [], [1.5], [0.0, -0.0], [-0.0, 0.0], [3, -0.0, 0.0, -2, -2, 7, 7], [.nan, 1, 2], [1, .nan, -1],
        [-.infinity, 4, .infinity], [0.0, 0.0, -0.0, -0.0],
    ] as [[Double]])
    func extremesAreMinAndMax(values: [Double]) {
        #expect(Self.same(HistogramTarget.extremes(values), (values.min(), values.max())), "\(values)")
    }

    @Test func extremesOfNoiseAreMinAndMax() {
        var random = TextureRandom(digest: SceneDigest(sha256: [UInt8](repeating: 1, count: 32)), seed: 2, index: 0)
        let values = (0..<5_000).map { _ in random.gaussian() }
        #expect(Self.same(HistogramTarget.extremes(values), (values.min(), values.max())))
    }
}
