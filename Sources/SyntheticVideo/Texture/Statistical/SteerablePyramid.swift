/// A frequency-domain steerable pyramid (pyrtools `SteerablePyramidFreq`, order 3 = 4
/// orientations, transition width 1 octave) on square power-of-two images, in standard FFT
/// order (no shifts): a high-pass residual, `levels` levels of 4 oriented bands (level i is
/// N/2ⁱ square), and a low-pass residual kept as its DFT (the texture model never modifies it).
///
/// Masks are evaluated analytically (the raised-cosine radial transition |cos(π/2·t)| and the
/// angular √0.8·cos³(θ − πb/4), with cos θ, sin θ taken as f_x/|f|, f_y/|f| so no atan2 is
/// needed), not through pyrtools' 1024-entry lookup tables; log₂ comes from `DeterministicMath`.
/// The bands are real (their spectra are Hermitian and vanish on the Nyquist lines), so two
/// bands share one complex transform both ways.
struct SteerablePyramid: Sendable {
    let size: Int
    let levels: Int
    /// Full size: high-pass and low-pass (initial split).
    let hi0: [Double]
    let lo0: [Double]
    /// Per level i (size N/2ⁱ): the radial band-pass; the 4 angular masks; the low-pass on the
    /// cropped (N/2ⁱ⁺¹) grid.
    let hiMask: [[Double]]
    let angleMask: [[[Double]]]
    let loMask: [[Double]]
    let ffts: [FFT2D]

    init(size n: Int, levels: Int) {
        size = n
        self.levels = levels
        let inverseLn2 = 1 / DeterministicMath.log(2)
        func frequency(_ k: Int, _ m: Int) -> Int { k < m / 2 ? k : k - m }
        /// log₂ of the radius (Nyquist = 1), the DC given its left neighbour's value as pyrtools does.
        func logRadius(_ fx: Int, _ fy: Int) -> Double {
            let h = Double(n / 2)
            let (x, y) = (fx == 0 && fy == 0) ? (1.0 / h, 0.0) : (Double(fx) / h, Double(fy) / h)
            return DeterministicMath.log((x * x + y * y).squareRoot()) * inverseLn2
        }
        func high(_ t: Double) -> Double {
            if t >= 0 { return 1 }
            if t <= -1 { return 0 }
            return DeterministicMath.cos(Double.pi / 2 * t)
        }
        func low(_ t: Double) -> Double {
            let h = high(t)
            return (1 - h * h).squareRoot()
        }
        func grid(_ m: Int, _ value: (Int, Int) -> Double) -> [Double] {
            var out = [Double](repeating: 0, count: m * m)
            for ky in 0..<m { for kx in 0..<m { out[ky * m + kx] = value(frequency(kx, m), frequency(ky, m)) } }
            return out
        }
        hi0 = grid(n) { high(logRadius($0, $1)) }
        lo0 = grid(n) { low(logRadius($0, $1)) }
        var hiMask = [[Double]](), angleMask = [[[Double]]](), loMask = [[Double]](), ffts = [FFT2D]()
        let root08 = 0.8.squareRoot()
        for i in 0..<levels {
            let m = n >> i
            let shift = Double(i + 1)
            hiMask.append(grid(m) { high(logRadius($0, $1) + shift) })
            angleMask.append((0..<4).map { b in
                let (sb, cb) = DeterministicMath.sincos(Double.pi * Double(b) / 4)
                return grid(m) { fx, fy in
                    let r = (Double(fx * fx + fy * fy)).squareRoot()
                    let (c, s) = r == 0 ? (1.0, 0.0) : (Double(fx) / r, Double(fy) / r)
                    let v = c * cb + s * sb
                    return root08 * v * v * v
                }
            })
            loMask.append(grid(m / 2) { low(logRadius($0, $1) + shift) })
            ffts.append(FFT2D(width: m, height: m))
        }
        ffts.append(FFT2D(width: n >> levels, height: n >> levels))
        self.hiMask = hiMask
        self.angleMask = angleMask
        self.loMask = loMask
        self.ffts = ffts
    }

    /// The coefficients of one image.
    struct Coefficients {
        var highpass: [Double]
        /// bands[i][b], level i side N/2ⁱ.
        var bands: [[[Double]]]
        /// DFT of the low-pass residual (side N/2^levels), real and imaginary planes.
        var lowRe: [Double]
        var lowIm: [Double]
    }

    func analyse(_ image: [Double]) -> Coefficients {
        var re = image, im = [Double](repeating: 0, count: size * size)
        ffts[0].forward(&re, &im)
        return analyse(spectrumRe: re, spectrumIm: im)
    }

    /// The coefficients of the real image whose DFT is (re, im) (Hermitian).
    func analyse(spectrumRe re: [Double], spectrumIm im: [Double]) -> Coefficients {
        let n = size
        // High-pass residual.
        var hr = [Double](repeating: 0, count: n * n), hi = hr
        for k in 0..<(n * n) { hr[k] = re[k] * hi0[k]; hi[k] = im[k] * hi0[k] }
        ffts[0].inverse(&hr, &hi)
        var lr = re, li = im
        for k in 0..<(n * n) { lr[k] *= lo0[k]; li[k] *= lo0[k] }
        var bands = [[[Double]]]()
        for i in 0..<levels {
            let m = n >> i
            var level = [[Double]]()
            for pair in 0..<2 {
                // B = i·L·A·H for bands 2p and 2p+1; pack B₀ + i·B₁ = i·L·H·(A₀ + i·A₁).
                let a0 = angleMask[i][2 * pair], a1 = angleMask[i][2 * pair + 1], h = hiMask[i]
                var pr = [Double](repeating: 0, count: m * m), pi = pr
                for k in 0..<(m * m) {
                    let br = -li[k] * h[k], bi = lr[k] * h[k]   // i·L·H
                    // (br + i·bi)·(a0 + i·a1)
                    pr[k] = br * a0[k] - bi * a1[k]
                    pi[k] = br * a1[k] + bi * a0[k]
                }
                ffts[i].inverse(&pr, &pi)
                level.append(pr)
                level.append(pi)
            }
            bands.append(level)
            // Crop to the lower half of the frequencies and apply the low-pass.
            let half = m / 2
            var cr = [Double](repeating: 0, count: half * half), ci = cr
            let lo = loMask[i]
            for ky in 0..<half {
                let sy = ky < half / 2 ? ky : ky - half + m
                for kx in 0..<half {
                    let sx = kx < half / 2 ? kx : kx - half + m
                    cr[ky * half + kx] = lr[sy * m + sx] * lo[ky * half + kx]
                    ci[ky * half + kx] = li[sy * m + sx] * lo[ky * half + kx]
                }
            }
            lr = cr
            li = ci
        }
        return Coefficients(highpass: hr, bands: bands, lowRe: lr, lowIm: li)
    }

    func synthesise(_ c: Coefficients) -> [Double] {
        let n = size
        var rr = c.lowRe, ri = c.lowIm
        for i in stride(from: levels - 1, through: 0, by: -1) {
            let m = n >> i, half = m / 2
            var ur = [Double](repeating: 0, count: m * m), ui = ur
            let lo = loMask[i]
            for ky in 0..<half {
                let sy = ky < half / 2 ? ky : ky - half + m
                for kx in 0..<half {
                    let sx = kx < half / 2 ? kx : kx - half + m
                    ur[sy * m + sx] = rr[ky * half + kx] * lo[ky * half + kx]
                    ui[sy * m + sx] = ri[ky * half + kx] * lo[ky * half + kx]
                }
            }
            let h = hiMask[i]
            for pair in 0..<2 {
                var zr = c.bands[i][2 * pair], zi = c.bands[i][2 * pair + 1]
                ffts[i].forward(&zr, &zi)
                let a0 = angleMask[i][2 * pair], a1 = angleMask[i][2 * pair + 1]
                for ky in 0..<m {
                    let ny = (m - ky) % m
                    for kx in 0..<m {
                        let k = ky * m + kx, nk = ny * m + (m - kx) % m
                        // B₀ = (Z + conj Z₋)/2, B₁ = (Z − conj Z₋)/(2i)
                        let b0r = (zr[k] + zr[nk]) * 0.5, b0i = (zi[k] - zi[nk]) * 0.5
                        let b1r = (zi[k] + zi[nk]) * 0.5, b1i = (zr[nk] - zr[k]) * 0.5
                        // Σ_b (−i)·B_b·A_b·H
                        let sr = (b0r * a0[k] + b1r * a1[k]) * h[k]
                        let si = (b0i * a0[k] + b1i * a1[k]) * h[k]
                        ur[k] += si
                        ui[k] -= sr
                    }
                }
            }
            rr = ur
            ri = ui
        }
        var hr = c.highpass, hi = [Double](repeating: 0, count: n * n)
        ffts[0].forward(&hr, &hi)
        for k in 0..<(n * n) {
            rr[k] = rr[k] * lo0[k] + hr[k] * hi0[k]
            ri[k] = ri[k] * lo0[k] + hi[k] * hi0[k]
        }
        ffts[0].inverse(&rr, &ri)
        return rr
    }
}
