import Foundation
import Testing
@testable import SyntheticVideo

/// The texture generators' FFT (Sources/SyntheticVideo/Interop/FFT.swift) against a direct DFT.
@Suite struct TextureFFTTests {
    static func input(_ n: Int, salt: UInt64) -> ([Double], [Double]) {
        let random = CounterRandom(scene: SceneDigest(sha256: [UInt8](repeating: 1, count: 32)), seed: salt,
                                   purpose: .texture)
        return ((0..<n).map { random.uniform(UInt64(2 * $0), -1, 1) },
                (0..<n).map { random.uniform(UInt64(2 * $0 + 1), -1, 1) })
    }

    /// Direct O(n²) DFT in long double-free Double arithmetic with exactly reduced angles.
    static func dft(_ re: [Double], _ im: [Double], inverse: Bool) -> ([Double], [Double]) {
        let n = re.count
        var outRe = [Double](repeating: 0, count: n), outIm = outRe
        let sign = inverse ? 1.0 : -1.0
        for k in 0..<n {
            var sr = 0.0, si = 0.0
            for j in 0..<n {
                let angle = sign * 2 * Double.pi * Double((j * k) % n) / Double(n)
                let c = Foundation.cos(angle), s = Foundation.sin(angle)
                sr += re[j] * c - im[j] * s
                si += re[j] * s + im[j] * c
            }
            outRe[k] = sr
            outIm[k] = si
        }
        return (outRe, outIm)
    }

    @Test(arguments: [1, 2, 3, 4, 5, 8, 12, 16, 19, 27, 32, 64, 100, 128, 256, 513])
    func oneDimensionalMatchesDirectDFT(n: Int) {
        let (re, im) = Self.input(n, salt: UInt64(n))
        let plan = FFTPlan(size: n)
        for inverse in [false, true] {
            let (outRe, outIm) = plan.transform(re, im, inverse: inverse)
            let (dr, di) = Self.dft(re, im, inverse: inverse)
            var worst = 0.0
            for k in 0..<n { worst = max(worst, abs(outRe[k] - dr[k]), abs(outIm[k] - di[k])) }
            // Rounding grows like √n·log n·ε for the fast transform and n·ε for the direct sum.
            #expect(worst < 1e-13 * Double(n), "n = \(n), inverse \(inverse): max error \(worst)")
        }
    }

    @Test(arguments: [(8, 8), (16, 4), (27, 19)])
    func twoDimensionalRoundTripAndSeparability(size: (Int, Int)) {
        let (w, h) = size
        let (re0, im0) = Self.input(w * h, salt: 99)
        var re = re0, im = im0
        let fft = FFT2D(width: w, height: h)
        fft.forward(&re, &im)
        // Element (ky, kx) equals the direct 2-D sum.
        for (ky, kx) in [(0, 0), (1, 2), (h - 1, w - 1), (h / 2, w / 3)] {
            var sr = 0.0, si = 0.0
            for y in 0..<h {
                for x in 0..<w {
                    let angle = -2 * Double.pi * (Double(ky * y % h) / Double(h) + Double(kx * x % w) / Double(w))
                    let c = Foundation.cos(angle), s = Foundation.sin(angle)
                    sr += re0[y * w + x] * c - im0[y * w + x] * s
                    si += re0[y * w + x] * s + im0[y * w + x] * c
                }
            }
            #expect(abs(re[ky * w + kx] - sr) < 1e-11 && abs(im[ky * w + kx] - si) < 1e-11, "(\(ky), \(kx))")
        }
        fft.inverse(&re, &im)
        for k in 0..<(w * h) {
            #expect(abs(re[k] - re0[k]) < 1e-14 && abs(im[k] - im0[k]) < 1e-14)
        }
    }

    /// Release timing of the FFT (not an assertion): `SYNTHCLIPS_TEXTURE_TIMING=1 swift test -c release …`.
    @Test(.enabled(if: ProcessInfo.processInfo.environment["SYNTHCLIPS_TEXTURE_TIMING"] == "1"))
    func timing() {
        for n in [256, 512, 513] {
            var (re, im) = Self.input(n * n, salt: 5)
            let fft = FFT2D(width: n, height: n)
            var best = Double.infinity
            for _ in 0..<10 {
                let start = DispatchTime.now().uptimeNanoseconds
                fft.forward(&re, &im)
                best = min(best, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
            }
            print("TIMING FFT2D \(n)x\(n) forward: \(String(format: "%.2f", best)) ms (best of 10)")
        }
    }
}
