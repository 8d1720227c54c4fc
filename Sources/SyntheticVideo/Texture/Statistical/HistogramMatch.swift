/// Histogram matching after matlabPyrTools `histoMatch`: the source histogram (as many equal bins
/// over [min, max] as the target has), its CDF at the bin edges, the target CDF at its edges
/// (counts + mean/10⁸ so that it increases strictly), the source edges mapped through the inverse
/// target CDF by linear interpolation, and that piecewise-linear map applied to every value.
/// (matlabPyrTools centres the source bins on the mean; equal bins over [min, max] are the same
/// construction up to a sub-bin shift.)
struct HistogramTarget: Sendable {
    /// CDF at the target's bin edges (count + 1 values, 0 … 1) and the edges' positions.
    let cdf: [Double]
    let edges: [Double]

    /// `counts` of equal bins centred at `centres` (at least two bins).
    init(counts: [Double], centres: [Double]) {
        let bins = counts.count
        var total = 0.0
        for c in counts { total += c }
        let hack = total / Double(bins) / 1e8
        var cdf = [Double](repeating: 0, count: bins + 1)
        var running = 0.0
        for k in 0..<bins {
            running += counts[k] + hack
            cdf[k + 1] = running
        }
        for k in 0...bins { cdf[k] /= running }
        let step = centres[1] - centres[0]
        var edges = [Double](repeating: 0, count: bins + 1)
        edges[0] = centres[0] - step / 2
        for k in 0..<bins { edges[k + 1] = centres[k] + step / 2 }
        self.cdf = cdf
        self.edges = edges
    }

    /// Inverse CDF at p ∈ [0, 1] by linear interpolation between edges.
    func quantile(_ p: Double, hint: inout Int) -> Double {
        let n = cdf.count - 1
        while hint < n - 1 && cdf[hint + 1] < p { hint += 1 }
        let lo = cdf[hint], hi = cdf[hint + 1]
        let t = hi > lo ? (p - lo) / (hi - lo) : 0
        return edges[hint] + (edges[hint + 1] - edges[hint]) * t
    }

    /// Matches `values` in place.
    func match(_ values: inout [Double]) {
        guard let (minimum, maximum) = Self.extremes(values), maximum > minimum else { return }
        let bins = cdf.count - 1
        let scale = Double(bins) / (maximum - minimum)   // bins per unit
        // Each value is replaced by its position t = (v − min)·scale, and bin ⌊t⌋ (the maximum in
        // the last bin) counted in one of four partial histograms (value i in partial i mod 4):
        // runs of values in one bin, common in the peaked wavelet bands, would otherwise wait
        // on the previous increment of one counter.
        var partial = [Int](repeating: 0, count: 4 * bins)
        values.withUnsafeMutableBufferPointer { v in
            partial.withUnsafeMutableBufferPointer { h in
                for i in 0..<v.count {
                    let t = (v[i] - minimum) * scale
                    v[i] = t
                    h[(i & 3) &* bins &+ Swift.min(Int(t), bins - 1)] += 1
                }
            }
        }
        // Source CDF at its edges → target values.
        var mapped = [Double](repeating: 0, count: bins + 1)
        var running = 0
        var hint = 0
        let total = Double(values.count)
        mapped[0] = quantile(0, hint: &hint)
        for k in 0..<bins {
            running += partial[k] + partial[bins + k] + partial[2 * bins + k] + partial[3 * bins + k]
            mapped[k + 1] = quantile(Double(running) / total, hint: &hint)
        }
        values.withUnsafeMutableBufferPointer { v in
            mapped.withUnsafeBufferPointer { m in
                for i in 0..<v.count {
                    let t = v[i]
                    let k = Swift.min(Int(t), bins - 1)
                    v[i] = m[k] + (m[k + 1] - m[k]) * (t - Double(k))
                }
            }
        }
    }
}

extension HistogramTarget {
    /// `(values.min(), values.max())` of finite values, in four lanes (element k in lane k mod 4)
    /// combined at the end.
    static func extremes(_ values: [Double]) -> (Double, Double)? {
        guard let first = values.first else { return nil }
        return values.withUnsafeBufferPointer { v in
            var lowest = SIMD4(repeating: first), highest = lowest
            let raw = UnsafeRawPointer(v.baseAddress!)
            var k = 0
            while k + 4 <= v.count {
                let x = raw.loadUnaligned(fromByteOffset: k &* 8, as: SIMD4<Double>.self)
                lowest = pointwiseMin(lowest, x)
                highest = pointwiseMax(highest, x)
                k += 4
            }
            var low = lowest.min(), high = highest.max()
            for x in v[k...] {
                low = Swift.min(low, x)
                high = Swift.max(high, x)
            }
            return (low, high)
        }
    }
}

/// Rescales `values` to the given mean and standard deviation (population).
func standardise(_ values: inout [Double], mean: Double, std: Double) {
    let (m, s) = LaneSum.meanAndStd(values)
    let scale = s > 0 ? std / s : 0
    for i in 0..<values.count { values[i] = (values[i] - m) * scale + mean }
}

/// Eigen-decomposition of a symmetric 3×3 matrix by cyclic Jacobi rotations (basic operations and
/// square roots only). Returns eigenvalues in descending order and the eigenvectors as the
/// columns of a row-major 3×3 matrix, each with its largest-magnitude component positive.
func symmetricEigen3(_ matrix: [Double]) -> (values: [Double], vectors: [Double]) {
    var a = matrix
    var v: [Double] = [1, 0, 0, 0, 1, 0, 0, 0, 1]
    for _ in 0..<50 {
        let off = a[1] * a[1] + a[2] * a[2] + a[5] * a[5]
        if off == 0 { break }
        for (p, q) in [(0, 1), (0, 2), (1, 2)] {
            let apq = a[p * 3 + q]
            if apq == 0 { continue }
            let tau = (a[q * 3 + q] - a[p * 3 + p]) / (2 * apq)
            let t = (tau >= 0 ? 1.0 : -1.0) / (Swift.abs(tau) + (1 + tau * tau).squareRoot())
            let c = 1 / (1 + t * t).squareRoot(), s = t * c
            // A ← Jᵀ A J with J the rotation in the (p, q) plane.
            for k in 0..<3 {
                let akp = a[k * 3 + p], akq = a[k * 3 + q]
                a[k * 3 + p] = c * akp - s * akq
                a[k * 3 + q] = s * akp + c * akq
            }
            for k in 0..<3 {
                let apk = a[p * 3 + k], aqk = a[q * 3 + k]
                a[p * 3 + k] = c * apk - s * aqk
                a[q * 3 + k] = s * apk + c * aqk
            }
            for k in 0..<3 {
                let vkp = v[k * 3 + p], vkq = v[k * 3 + q]
                v[k * 3 + p] = c * vkp - s * vkq
                v[k * 3 + q] = s * vkp + c * vkq
            }
        }
    }
    let diagonal: [Double] = [a[0], a[4], a[8]]
    let order = [0, 1, 2].sorted { (i: Int, j: Int) -> Bool in
        diagonal[i] > diagonal[j] || (diagonal[i] == diagonal[j] && i < j)
    }
    var vectors = [Double](repeating: 0, count: 9)
    for (j, col) in order.enumerated() {
        var column = (0..<3).map { v[$0 * 3 + col] }
        var big = column[0]
        for value in column where Swift.abs(value) > Swift.abs(big) { big = value }
        if big < 0 { column = column.map { -$0 } }
        for r in 0..<3 { vectors[r * 3 + j] = column[r] }
    }
    return (order.map { diagonal[$0] }, vectors)
}
