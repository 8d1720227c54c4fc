/// The per-texture random model of the statistical textures (GENERATORS.md §7.2–7.4): colour
/// model, 1/f spectrum and wavelet marginals, drawn from the texture's stream.
struct StatisticalTextureModel: Sendable {
    /// §7.2 colour model: PCA basis (columns, row-major 3×3), channel means, and the 3 target
    /// histograms of the decorrelated channels.
    let basis: [Double]
    let meanColour: [Double]
    let colourHistograms: [HistogramTarget]
    let paletteSize: Int
    /// §7.3: spectrum slope s and anisotropy d (slopes s + d along x, s − d along y), and the
    /// magnitude 1/(ε + |fx/N|^(s+d) + |fy/N|^(s−d)) in standard FFT order, DC 0.
    let slope: Double
    let anisotropy: Double
    let magnitude: [Double]
    /// Σ magnitude² (the energy of every spectrum with this magnitude).
    let magnitudeEnergy: Double
    /// §7.4: per channel and band (high-pass, then level-major 4 orientations): target mean, std
    /// and histogram.
    let bandTargets: [[(mean: Double, std: Double, histogram: HistogramTarget)]]

    init(size n: Int, levels: Int, random: inout TextureRandom) {
        // — Colour model —
        let colours = 3 + Int(20 * random.unit())
        paletteSize = colours
        let palette = (0..<(3 * colours)).map { _ in random.unit() }
        var weights = (0..<colours).map { _ in 0.001 + random.unit() }
        let total = weights.reduce(0, +)
        for k in 0..<colours { weights[k] /= total }
        var cumulative = [Double](repeating: 0, count: colours)
        var running = 0.0
        for k in 0..<colours { running += weights[k]; cumulative[k] = running }
        var counts = [Int](repeating: 0, count: colours)
        for _ in 0..<(n * n) {
            let u = random.unit() * running
            var k = 0
            while k < colours - 1 && cumulative[k] <= u { k += 1 }
            counts[k] += 1
        }
        // Sorted indices laid out column-major: colour k fills the next counts[k] pixels down the columns.
        var reference = [Double](repeating: 0, count: 3 * n * n)  // planar
        var linear = 0
        for k in 0..<colours {
            for _ in 0..<counts[k] {
                let x = linear / n, y = linear % n
                for c in 0..<3 { reference[c * n * n + y * n + x] = 256 * palette[3 * k + c] }
                linear += 1
            }
        }
        let box = Swift.max(1, Int((10 * random.unit()).rounded(.up)))
        for c in 0..<3 {
            var plane = Array(reference[(c * n * n)..<((c + 1) * n * n)])
            plane = boxBlur(plane, side: n, width: box)
            for k in 0..<(n * n) { plane[k] += 10 * random.unit() }
            reference.replaceSubrange((c * n * n)..<((c + 1) * n * n), with: plane)
        }
        let lowest = reference.min()!
        for k in 0..<reference.count { reference[k] -= lowest }
        let highest = reference.max()!
        if highest > 0 { for k in 0..<reference.count { reference[k] = 256 * reference[k] / highest } }
        var means = [Double](repeating: 0, count: 3)
        for c in 0..<3 {
            var sum = 0.0
            for k in 0..<(n * n) { sum += reference[c * n * n + k] }
            means[c] = sum / Double(n * n)
        }
        var scatter = [Double](repeating: 0, count: 9)
        for k in 0..<(n * n) {
            let p = (0..<3).map { reference[$0 * n * n + k] - means[$0] }
            for r in 0..<3 { for s in 0..<3 { scatter[r * 3 + s] += p[r] * p[s] } }
        }
        let (_, vectors) = symmetricEigen3(scatter)
        basis = vectors
        meanColour = means
        colourHistograms = (0..<3).map { j in
            var projected = [Double](repeating: 0, count: n * n)
            for k in 0..<(n * n) {
                var v = 0.0
                for c in 0..<3 { v += (reference[c * n * n + k] - means[c]) * vectors[c * 3 + j] }
                projected[k] = v
            }
            return histogram(projected, bins: 256)
        }
        // — Spectrum —
        slope = random.uniform(0.5, 3.5)
        anisotropy = random.gaussian() * (3.0 / 15.0 / 4.0)
        var magnitude = [Double](repeating: 0, count: n * n)
        let sx = slope + anisotropy, sy = slope - anisotropy
        let px = (0..<n).map { k -> Double in
            let f = Double(k < n / 2 ? k : k - n) / Double(n)
            return DeterministicMath.pow(Swift.abs(f), sx)
        }
        let py = (0..<n).map { k -> Double in
            let f = Double(k < n / 2 ? k : k - n) / Double(n)
            return DeterministicMath.pow(Swift.abs(f), sy)
        }
        for ky in 0..<n { for kx in 0..<n { magnitude[ky * n + kx] = 1 / (Double.ulpOfOne + px[kx] + py[ky]) } }
        magnitude[0] = 0
        self.magnitude = magnitude
        magnitudeEnergy = magnitude.withUnsafeBufferPointer { LaneSum.sum($0) { $0 * $0 } }
        // — Wavelet marginals —
        let grid = (0...800).map { -200 + 0.5 * Double($0) }
        bandTargets = (0..<3).map { _ in
            (0..<(1 + 4 * levels)).map { b in
                let level = b == 0 ? 0 : (b - 1) / 4
                let scale = Double(1 << level)
                let width = DeterministicMath.pow(4, scale)
                let shape = random.uniform(0.4, 0.8)
                let h = grid.map { DeterministicMath.exp(-DeterministicMath.pow(Swift.abs($0 / width), shape)) }
                var mass = 0.0, first = 0.0
                for k in 0..<grid.count { mass += h[k]; first += grid[k] * h[k] }
                let mean = first / mass
                var second = 0.0
                for k in 0..<grid.count { second += (grid[k] - mean) * (grid[k] - mean) * h[k] }
                return (mean, (second / mass).squareRoot(), HistogramTarget(counts: h, centres: grid))
            }
        }
    }
}

/// m×m mean filter, 'same' size, zero padding (MATLAB conv2(…, ones(m)/m², 'same')): output i
/// averages inputs i − (m − 1 − ⌊m/2⌋) … i + ⌊m/2⌋.
func boxBlur(_ plane: [Double], side n: Int, width m: Int) -> [Double] {
    if m == 1 { return plane }
    let before = m - 1 - m / 2, after = m / 2
    func pass(_ input: [Double], horizontal: Bool) -> [Double] {
        var out = [Double](repeating: 0, count: n * n)
        for line in 0..<n {
            for i in 0..<n {
                var sum = 0.0
                for j in Swift.max(0, i - before)...Swift.min(n - 1, i + after) {
                    sum += horizontal ? input[line * n + j] : input[j * n + line]
                }
                if horizontal { out[line * n + i] = sum } else { out[i * n + line] = sum }
            }
        }
        return out
    }
    let scale = 1 / Double(m * m)
    return pass(pass(plane, horizontal: true), horizontal: false).map { $0 * scale }
}

/// `bins` equal bins over [min, max] (MATLAB hist): counts and centres.
func histogram(_ values: [Double], bins: Int) -> HistogramTarget {
    let minimum = values.min()!, maximum = values.max()!
    let span = maximum > minimum ? maximum - minimum : 1
    var counts = [Double](repeating: 0, count: bins)
    for v in values { counts[Swift.min(Int((v - minimum) / span * Double(bins)), bins - 1)] += 1 }
    let centres = (0..<bins).map { minimum + (Double($0) + 0.5) * span / Double(bins) }
    return HistogramTarget(counts: counts, centres: centres)
}
