/// The radius law of the dead-leaves generators (GENERATORS.md §2.3): a grid r_k over
/// [rmin, rmax], masses m_k = r_k^−σ − rmax^−σ, their normalised cumulative sum C_k, and a
/// *nearest-CDF* lookup k* = argmin_k |C_k − u| (ties to the lowest index) — not the usual
/// inverse CDF. The pixel radius is max(trunc(r_k*·resolution), 1).
struct RadiusTable: Sendable {
    let grid: [Double]
    let cdf: [Double]

    init(exponent: Int, range: ClosedRange<Double>, points: Int) {
        let lo = range.lowerBound, hi = range.upperBound
        // numpy.linspace: start + k·step, with the last point exactly `stop`.
        let step = (hi - lo) / Double(points - 1)
        var grid = (0..<points).map { lo + Double($0) * step }
        grid[points - 1] = hi
        func power(_ r: Double) -> Double {  // r^−σ from basic operations only
            var p = 1.0
            for _ in 0..<exponent { p *= r }
            return 1.0 / p
        }
        let floorMass = power(hi)
        var cdf = [Double]()
        cdf.reserveCapacity(points)
        var sum = 0.0
        for r in grid {
            sum += power(r) - floorMass
            cdf.append(sum)
        }
        let total = sum
        self.grid = grid
        self.cdf = cdf.map { $0 / total }
    }

    /// Index of the grid point whose CDF value is nearest to `u` (ties: lowest index).
    func index(for u: Double) -> Int {
        // First index with C ≥ u (binary search over a non-decreasing table).
        var lo = 0, hi = cdf.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if cdf[mid] < u { lo = mid + 1 } else { hi = mid }
        }
        if lo == cdf.count { lo = cdf.count - 1 }
        var best = lo
        if lo > 0, Swift.abs(cdf[lo - 1] - u) <= Swift.abs(cdf[lo] - u) { best = lo - 1 }
        while best > 0 && cdf[best - 1] == cdf[best] { best -= 1 }
        return best
    }

    /// Pixel radius for a uniform draw `u` at the given resolution.
    func pixelRadius(for u: Double, resolution: Int) -> Int {
        max(Int(grid[index(for: u)] * Double(resolution)), 1)
    }
}
