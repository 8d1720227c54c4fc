import Foundation
import Testing
@testable import SyntheticVideo

/// Statistical textures (GENERATORS.md §7): the output follows the sampled model — spectrum slope,
/// colour histograms, heavy-tailed wavelet marginals. Small textures (64², 4 iterations) keep the
/// debug run short; the properties do not depend on the size.
@Suite struct TextureStatisticalTests {
    static let pool = try! StatisticalTexturePool(seed: 5, count: 100, size: 64, iterations: 4)
    static let ids = Array(0..<10)
    static let textures: [Texture] = parallelMap(ids, threads: 2) { try! pool.texture($0) }

    /// Grey level (mean of R, G, B) as Doubles.
    static func grey(_ t: Texture) -> [Double] {
        (0..<(t.width * t.height)).map {
            (Double(t.pixels[3 * $0]) + Double(t.pixels[3 * $0 + 1]) + Double(t.pixels[3 * $0 + 2])) / 3
        }
    }

    /// Slope s of the radially averaged amplitude spectrum ∝ 1/f^s: least-squares fit of
    /// log A against log f over the integer radii 2 … N/4 (away from DC and from the corners).
    static func measuredSlope(_ image: [Double], side n: Int, radii: ClosedRange<Int>) -> Double {
        let mean = image.reduce(0, +) / Double(image.count)
        var re = image.map { $0 - mean }, im = [Double](repeating: 0, count: image.count)
        FFT2D(width: n, height: n).forward(&re, &im)
        var sums = [Double](repeating: 0, count: n), counts = sums
        for ky in 0..<n {
            for kx in 0..<n {
                let fy = Double(ky < n / 2 ? ky : ky - n), fx = Double(kx < n / 2 ? kx : kx - n)
                let r = Int((fx * fx + fy * fy).squareRoot().rounded())
                if r < n { sums[r] += (re[ky * n + kx] * re[ky * n + kx] + im[ky * n + kx] * im[ky * n + kx]).squareRoot(); counts[r] += 1 }
            }
        }
        var xs = [Double](), ys = [Double]()
        for r in radii where counts[r] > 0 {
            xs.append(Foundation.log(Double(r)))
            ys.append(Foundation.log(sums[r] / counts[r]))
        }
        let mx = xs.reduce(0, +) / Double(xs.count), my = ys.reduce(0, +) / Double(ys.count)
        var sxy = 0.0, sxx = 0.0
        for (x, y) in zip(xs, ys) { sxy += (x - mx) * (y - my); sxx += (x - mx) * (x - mx) }
        return -sxy / sxx
    }

    static func correlation(_ a: [Double], _ b: [Double]) -> Double {
        let ma = a.reduce(0, +) / Double(a.count), mb = b.reduce(0, +) / Double(b.count)
        var sab = 0.0, saa = 0.0, sbb = 0.0
        for (x, y) in zip(a, b) { sab += (x - ma) * (y - mb); saa += (x - ma) * (x - ma); sbb += (y - mb) * (y - mb) }
        return sab / (saa * sbb).squareRoot()
    }

    /// The spectrum step (§7.5 step 1) imposes the sampled slope: measured on its output, the
    /// slope follows the sampled one (measured: |Δs| ≤ 0.06 on these ids).
    @Test func spectrumStepImposesTheSampledSlope() {
        var sampled = [Double](), measured = [Double]()
        for id in Self.ids {
            var (model, random) = Self.pool.model(id)
            let noise = (0..<(64 * 64)).map { _ in 256 * random.unit() }
            let x = Self.pool.image(spectrum: Self.pool.imposeSpectrum(noise, model))
            sampled.append(model.slope)
            measured.append(Self.measuredSlope(x, side: 64, radii: 2...16))
        }
        let meanError = zip(sampled, measured).map { abs($0 - $1) }.reduce(0, +) / Double(sampled.count)
        #expect(Self.correlation(sampled, measured) > 0.99, "sampled \(sampled), measured \(measured)")
        #expect(meanError < 0.1, "mean |Δs| \(meanError)")
    }

    /// The spectrum step restores the input's mean and std in the frequency domain (Parseval):
    /// its image has them, as the spatial re-standardisation of §7.5 would give, and its spectrum
    /// has the model's magnitude up to that one gain.
    @Test func spectrumStepKeepsMeanAndStd() {
        for id in Self.ids {
            var (model, random) = Self.pool.model(id)
            let noise = (0..<(64 * 64)).map { _ in 40 + 200 * random.unit() }
            let spectrum = Self.pool.imposeSpectrum(noise, model)
            let (mean, std) = LaneSum.meanAndStd(noise)
            let (m, s) = LaneSum.meanAndStd(Self.pool.image(spectrum: spectrum))
            #expect(abs(m - mean) < 1e-9 * mean && abs(s - std) < 1e-9 * std, "id \(id): \(m) vs \(mean), \(s) vs \(std)")
            let ratios = (1..<(64 * 64)).map {
                (spectrum.re[$0] * spectrum.re[$0] + spectrum.im[$0] * spectrum.im[$0]).squareRoot() / model.magnitude[$0]
            }
            #expect(ratios.max()! - ratios.min()! < 1e-9 * ratios.max()!)
        }
    }

    /// KNOWN ISSUE (reported to the lead): on the *final* textures the slope does not track the
    /// sampled one (measured r ≈ 0.2 over radii 2…5, −0.3 over 2…16; slopes 0.2–1.3 whatever s).
    /// Cause, checked step by step: §7.4 gives every modelled band an *absolute* target std
    /// (ŝ = 4^scale → ≈ 20, 20, 80, 115 by level), and the wavelet step runs after the spectrum
    /// step in every iteration, so each band's energy — hence the spectrum over every octave the
    /// pyramid models — is set by the marginal model, not by s; only the low-pass residual keeps
    /// the 1/f^s shape, and the palette-histogram matching then reshapes that. Either the
    /// reference behaves the same (then the issue's expectation is wrong) or §7.4's targets are
    /// relative to the band's current std (then §7.4 must say so): the spec decides, not this test.
    @Test func finalTexturesTrackTheSampledSlope() {
        let sampled = Self.ids.map { Self.pool.model($0).0.slope }
        let measured = Self.textures.map { Self.measuredSlope(Self.grey($0), side: 64, radii: 2...16) }
        withKnownIssue("§7.4's absolute band std targets override the sampled slope") {
            #expect(Self.correlation(sampled, measured) > 0.9, "sampled \(sampled), measured \(measured)")
        }
    }

    /// Mean and std of a histogram target (bin masses at the bin centres).
    static func moments(_ h: HistogramTarget) -> (Double, Double) {
        var m = 0.0, s = 0.0
        for k in 0..<(h.cdf.count - 1) {
            let p = h.cdf[k + 1] - h.cdf[k], x = (h.edges[k] + h.edges[k + 1]) / 2
            m += p * x
            s += p * x * x
        }
        return (m, (s - m * m).squareRoot())
    }

    /// CDF of the histogram (linear within bins) at x.
    static func cdf(_ h: HistogramTarget, _ x: Double) -> Double {
        if x <= h.edges[0] { return 0 }
        for k in 0..<(h.edges.count - 1) where x < h.edges[k + 1] {
            return h.cdf[k] + (h.cdf[k + 1] - h.cdf[k]) * (x - h.edges[k]) / (h.edges[k + 1] - h.edges[k])
        }
        return 1
    }

    @Test func colourChannelsFollowTheColourModel() {
        for (id, texture) in zip(Self.ids, Self.textures) {
            let model = Self.pool.model(id).0
            let n = 64 * 64
            for j in 0..<3 {
                // Project the output pixels on the model's PCA axis j (the output is an affine map
                // of the synthesised channels, so standardised distributions must agree).
                var projected = (0..<n).map { k in
                    (0..<3).reduce(0.0) { $0 + Double(texture.pixels[3 * k + $1]) * model.basis[$1 * 3 + j] }
                }
                let (pm, ps) = LaneSum.meanAndStd(projected)
                projected = projected.map { ($0 - pm) / ps }.sorted()
                let (hm, hs) = Self.moments(model.colourHistograms[j])
                var ks = 0.0
                for (i, v) in projected.enumerated() {
                    let target = Self.cdf(model.colourHistograms[j], v * hs + hm)
                    ks = max(ks, abs(Double(i + 1) / Double(n) - target), abs(Double(i) / Double(n) - target))
                }
                // Quantisation to 8 bits and the histograms' binning leave a few per cent; a
                // texture ignoring the model is off by 0.2–0.5.
                #expect(ks < 0.08, "texture \(id), PCA channel \(j): KS distance \(ks) (palette \(model.paletteSize))")
            }
        }
    }

    @Test func fineWaveletBandsAreHeavyTailed() {
        let pyramid = SteerablePyramid(size: 64, levels: Self.pool.levels)
        var kurtoses = [Double]()
        for (id, texture) in zip(Self.ids, Self.textures) {
            let model = Self.pool.model(id).0
            let channel = (0..<(64 * 64)).map { k in
                (0..<3).reduce(0.0) { $0 + Double(texture.pixels[3 * k + $1]) * model.basis[$1 * 3] }
            }
            let bands = pyramid.analyse(channel)
            for band in [bands.highpass] + bands.bands[0] {
                let (m, s) = LaneSum.meanAndStd(band)
                let fourth = band.reduce(0.0) { $0 + pow(($1 - m) / s, 4) } / Double(band.count)
                kurtoses.append(fourth - 3)
            }
        }
        let mean = kurtoses.reduce(0, +) / Double(kurtoses.count)
        let positive = kurtoses.filter { $0 > 0 }.count
        // Generalised-Gaussian marginals with shape 0.4–0.8 have excess kurtosis 3–20.
        #expect(mean > 1, "mean excess kurtosis of the fine bands \(mean)")
        #expect(Double(positive) >= 0.9 * Double(kurtoses.count), "\(positive) of \(kurtoses.count) positive")
    }

    @Test func pyramidReconstructsExactlyWhenUnmodified() {
        let random = CounterRandom(scene: SceneDigest(sha256: [UInt8](repeating: 2, count: 32)), seed: 1, purpose: .texture)
        let image = (0..<(64 * 64)).map { random.unit(UInt64($0)) * 255 }
        let pyramid = SteerablePyramid(size: 64, levels: 2)
        let back = pyramid.synthesise(pyramid.analyse(image))
        #expect(zip(image, back).map { abs($0 - $1) }.max()! < 1e-9)
    }

    @Test func jacobiEigenDecomposition() {
        let m: [Double] = [4, 1, 2, 1, 3, 0.5, 2, 0.5, 5]
        let (values, v) = symmetricEigen3(m)
        #expect(values[0] >= values[1] && values[1] >= values[2])
        for j in 0..<3 {
            for r in 0..<3 {
                let mv = (0..<3).reduce(0.0) { $0 + m[r * 3 + $1] * v[$1 * 3 + j] }
                #expect(abs(mv - values[j] * v[r * 3 + j]) < 1e-12)
            }
        }
        #expect(abs(values.reduce(0, +) - 12) < 1e-12)
    }

    @Test func invalidParametersAreRejected() {
        #expect(throws: TextureError.self) { try StatisticalTexturePool(seed: 0, size: 100) }
        #expect(throws: TextureError.self) { try StatisticalTexturePool(seed: 0, iterations: 0) }
        #expect(throws: TextureError.idOutOfRange(id: -1, count: 3)) {
            try StatisticalTexturePool(seed: 0, count: 3, size: 32).texture(-1)
        }
    }
}
