import Synchronization

/// The pink-noise map of the StyleGAN-Oriented generator (GENERATORS.md §8.4), one per image,
/// `2·resolution` pixels square (512 for 256-pixel textures), zero mean, unit global std.
///
/// Spectrum on a (2r+1)² grid with coordinates linspace(−1, 1): magnitude 2·ρ^(−α) (ρ = radius,
/// 10⁻⁵ at the centre, the centre's magnitude 0), phase φ − φ(reflected) with φ ~ U[0, 2π) per
/// cell (Hermitian, so the inverse transform is real), inverse-shifted and inverse-transformed;
/// the real part cropped to 2r × 2r, mean subtracted, multiplied by an envelope (4×4 Laplace(0, 1)
/// samples upsampled with PIL's Lanczos filter), divided by the global (population) std.
///
/// Cost: the inverse transform of a Hermitian spectrum needs only the rows 0…r (the others are
/// their conjugates) and the real columns in pairs (one complex transform yields two real
/// columns) — half of a full complex 2-D transform, with identical mathematics. Per map, only
/// those r + 1 rows and the output are allocated: the magnitude is one quadrant (it is
/// symmetric in both axes), each cell's phase is read from the random stream where it is
/// needed (the stream is counter-based), and the envelope is evaluated per pixel from its 4
/// separable rows. (The ln ρ table is g² but built once per size and shared.)
enum PinkNoise {
    static func map(resolution: Int, random: inout TextureRandom) -> [Double] {
        let n = 2 * resolution          // output side
        let g = n + 1                   // odd grid side
        let c = resolution              // centre index
        let alpha = random.uniform(0.5, 1.5)
        // Magnitude 2·ρ^(−α) = 2·exp(−α·ln ρ) (exactly `DeterministicMath.pow`), symmetric in both
        // axes: one quadrant, grid cell (j, i) reading quadrant cell (min(j, 2c − j),
        // min(i, 2c − i)); ln ρ from a table shared by every map of this size.
        let logRho = Self.logRadius(side: g)
        var quadrant = [Double](repeating: 0, count: (c + 1) * (c + 1))
        for j in 0...c {
            for i in 0...c { quadrant[j * (c + 1) + i] = 2 * DeterministicMath.exp(-alpha * logRho[j * g + i]) }
        }
        quadrant[c * (c + 1) + c] = 0
        // Phase φ ~ U[0, 2π) of grid cell j·g + i: that draw of this block.
        let phase = random.block(g * g)
        // Spectrum in standard FFT order: S[k, l] = centred[(k + c) mod g, (l + c) mod g]. Only
        // rows 0…g/2 are built: the inverse transform below replaces the others by conjugates.
        let rows = g / 2 + 1
        var re = [Double](repeating: 0, count: rows * g), im = re
        func shifted(_ l: Int) -> Int { l + c < g ? l + c : l + c - g }   // (l + c) mod g, l < g
        for k in 0..<rows {
            let sj = (k + c) % g, rj = g - 1 - sj
            let qj = Swift.min(sj, 2 * c - sj)
            // Four cells per `sincos` call (`DeterministicMath.Lanes`: each lane's bits are the scalar's).
            for l0 in stride(from: 0, to: g, by: 4) {
                var angles = DeterministicMath.Lanes()
                for j in 0..<Swift.min(4, g - l0) {
                    let si = shifted(l0 + j), ri = g - 1 - si
                    angles[j] = phase.uniform(sj * g + si, 0, 2 * Double.pi) - phase.uniform(rj * g + ri, 0, 2 * Double.pi)
                }
                let (s, co) = DeterministicMath.sincos(angles)
                for j in 0..<Swift.min(4, g - l0) {
                    let si = shifted(l0 + j)
                    let m = quadrant[qj * (c + 1) + Swift.min(si, 2 * c - si)]
                    re[k * g + l0 + j] = m * co[j]
                    im[k * g + l0 + j] = m * s[j]
                }
            }
        }
        let plan = FFTPlan(size: g), lanes = FFTLanes.scalarCount
        var out = [Double](repeating: 0, count: n * n)
        let scratch = UnsafeMutablePointer<FFTLanes>.allocate(capacity: plan.lineBufferCount)
        defer { scratch.deallocate() }
        let cr = scratch, ci = scratch + g, tr = scratch + 2 * g, ti = scratch + 3 * g, work = scratch + 4 * g
        re.withUnsafeMutableBufferPointer { rb in
            im.withUnsafeMutableBufferPointer { ib in
                let r = rb.baseAddress!, i = ib.baseAddress!
                // Rows 0…g/2 along l, `lanes` rows at a time.
                for k0 in stride(from: 0, to: rows, by: lanes) {
                    plan.transformLines(re: r + k0 * g, im: i + k0 * g, count: Swift.min(lanes, rows - k0),
                                        elementStride: 1, lineStride: g, inverse: true, buffer: scratch)
                }
                // Columns 0..<n in pairs, `lanes` pairs at a time: (col a) + i·(col b) →
                // x[·, a] + i·x[·, b]. Row k > g/2 is the conjugate of row g − k. (n = 2·resolution
                // is a multiple of 2·lanes, as the resolution is a power of two ≥ 8.)
                precondition(n % (2 * lanes) == 0, "PinkNoise: side \(n)")
                let scale = 1 / Double(g * g)
                out.withUnsafeMutableBufferPointer { ob in
                    let o = UnsafeMutableRawPointer(ob.baseAddress!)
                    for a0 in stride(from: 0, to: n, by: 2 * lanes) {
                        for k in 0..<g {
                            let conjugate = k >= rows
                            let row = (conjugate ? g - k : k) * g + a0
                            let pairRe = UnsafeRawPointer(r + row).loadUnaligned(as: SIMD8<Double>.self)
                            var pairIm = UnsafeRawPointer(i + row).loadUnaligned(as: SIMD8<Double>.self)
                            if conjugate { pairIm = -pairIm }
                            cr[k] = pairRe.evenHalf - pairIm.oddHalf
                            ci[k] = pairIm.evenHalf + pairRe.oddHalf
                        }
                        plan.transform(inRe: cr, inIm: ci, stride: 1, outRe: tr, outIm: ti, inverse: true, scratch: work)
                        for m in 0..<n {
                            var pair = SIMD8<Double>()
                            pair.evenHalf = tr[m] * scale
                            pair.oddHalf = ti[m] * scale
                            o.storeBytes(of: pair, toByteOffset: (m * n + a0) * 8, as: SIMD8<Double>.self)
                        }
                    }
                }
            }
        }
        // Subtract the mean, multiply by the envelope (four pixels of a row at a time; each lane
        // sums its pixel's Σ_t weights[4y + t]·horizontal[t][x] in the order of t), divide by the std.
        let mean = LaneSum.sum(out) / Double(n * n)
        let envelope = LanczosEnvelope(size: n, random: &random)
        out.withUnsafeMutableBufferPointer { ob in
            envelope.horizontal.withUnsafeBufferPointer { hb in
                let o = UnsafeMutableRawPointer(ob.baseAddress!), h = UnsafeRawPointer(hb.baseAddress!)
                for y in 0..<n {
                    let w = (envelope.weights[y * 4], envelope.weights[y * 4 + 1],
                             envelope.weights[y * 4 + 2], envelope.weights[y * 4 + 3])
                    for x in stride(from: 0, to: n, by: 4) {
                        var e = LaneSum.Lanes()
                        e += w.0 * h.loadUnaligned(fromByteOffset: x * 8, as: LaneSum.Lanes.self)
                        e += w.1 * h.loadUnaligned(fromByteOffset: (n + x) * 8, as: LaneSum.Lanes.self)
                        e += w.2 * h.loadUnaligned(fromByteOffset: (2 * n + x) * 8, as: LaneSum.Lanes.self)
                        e += w.3 * h.loadUnaligned(fromByteOffset: (3 * n + x) * 8, as: LaneSum.Lanes.self)
                        let offset = (y * n + x) * 8
                        let v = (o.loadUnaligned(fromByteOffset: offset, as: LaneSum.Lanes.self) - mean) * e
                        o.storeBytes(of: v, toByteOffset: offset, as: LaneSum.Lanes.self)
                    }
                }
            }
        }
        let std = LaneSum.meanAndStd(out).std
        let inverseStd = std > 0 ? 1 / std : 0
        for k in 0..<(n * n) { out[k] *= inverseStd }
        return out
    }

    /// ln ρ on the g × g grid with coordinates linspace(−1, 1) (ρ = 0 at the centre read as 10⁻⁵),
    /// computed once per size.
    static func logRadius(side g: Int) -> [Double] {
        if let table = logRadiusTables.withLock({ $0[g] }) { return table }
        let step = 2 / Double(g - 1)
        var table = [Double](repeating: 0, count: g * g)
        for j in 0..<g {
            let y = -1 + Double(j) * step
            for i in 0..<g {
                let x = -1 + Double(i) * step
                var rho = (x * x + y * y).squareRoot()
                if rho == 0 { rho = 1e-5 }
                table[j * g + i] = DeterministicMath.log(rho)
            }
        }
        logRadiusTables.withLock { $0[g] = table }
        return table
    }

    private static let logRadiusTables = Mutex<[Int: [Double]]>([:])

    /// 4×4 Laplace(0, 1) samples resized to size × size with PIL's Lanczos (a = 3) resampling
    /// (separable, in Double; PIL keeps the intermediate in float32, a difference far below
    /// anything that matters for a noise envelope). The horizontal pass is kept (4 rows of
    /// `size`); the vertical one is evaluated per pixel by `map`: Σ_t weights[4y + t]·horizontal[t][x].
    struct LanczosEnvelope {
        let weights: [Double]
        let horizontal: [Double]

        init(size: Int, random: inout TextureRandom) {
            var samples = [Double](repeating: 0, count: 16)
            for k in 0..<16 { samples[k] = random.laplace() }
            let weights = PinkNoise.lanczosWeights(from: 4, to: size)
            var horizontal = [Double](repeating: 0, count: 4 * size)
            for y in 0..<4 {
                for x in 0..<size {
                    var v = 0.0
                    for t in 0..<4 { v += weights[x * 4 + t] * samples[y * 4 + t] }
                    horizontal[y * size + x] = v
                }
            }
            self.weights = weights
            self.horizontal = horizontal
        }
    }

    /// PIL's resampling weights (ImagingResample precompute_coeffs) for upscaling `input` → `output`
    /// samples with the Lanczos filter: weights[out·input + k] for source sample k (normalised).
    static func lanczosWeights(from input: Int, to output: Int) -> [Double] {
        let scale = Double(input) / Double(output)
        let filterScale = Swift.max(scale, 1)
        let support = 3 * filterScale
        var weights = [Double](repeating: 0, count: output * input)
        for x in 0..<output {
            let centre = (Double(x) + 0.5) * scale
            let lower = Swift.max(Int(centre - support + 0.5), 0)
            let upper = Swift.min(Int(centre + support + 0.5), input)
            var total = 0.0
            for k in lower..<upper {
                let w = lanczos((Double(k) - centre + 0.5) / filterScale)
                weights[x * input + k] = w
                total += w
            }
            if total != 0 { for k in lower..<upper { weights[x * input + k] /= total } }
        }
        return weights
    }

    private static func lanczos(_ x: Double) -> Double {
        guard x >= -3 && x < 3 else { return 0 }
        return sinc(x) * sinc(x / 3)
    }

    private static func sinc(_ x: Double) -> Double {
        if x == 0 { return 1 }
        let px = Double.pi * x
        return DeterministicMath.sin(px) / px
    }
}
