import Testing
@testable import SyntheticVideo

/// `HistogramTarget.extremes` gives the least and the greatest of finite values (equal to
/// `min()` and `max()`; of +0 and −0, which compare equal, either may come back), through four
/// lanes and a scalar tail: the cases cover short arrays (tail only), lengths 4…9 and extremes in
/// every lane position.
@Suite struct HistogramMatchTests {
    static func same(_ a: (Double, Double)?, _ b: (Double?, Double?)) -> Bool {
        guard let a, let min = b.0, let max = b.1 else { return a == nil && b.0 == nil && b.1 == nil }
        return a.0 == min && a.1 == max
    }

    @Test(arguments: [
        [], [1.5], [0.0, -0.0], [-0.0, 0.0], [3, -0.0, 0.0, -2, -2, 7, 7], [-.infinity, 4, .infinity],
        [0.0, 0.0, -0.0, -0.0], [5, 1, 2, 3], [1, 5, 2, 3, -4], [1, 2, 5, 3, 0, -1], [1, 2, 3, 9, 0, 0, -7],
        [0, 0, 0, 0, 0, 0, 0, 8], [2, 2, 2, 2, 2, 2, 2, 2, -3],
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
