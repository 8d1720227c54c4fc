import Foundation
import Testing
@testable import SyntheticVideo

/// StyleGAN-Oriented textures (GENERATORS.md §8): the wavelet bank, the rank-1 shortcut against a
/// dense evaluation, and the pool's behaviour.
@Suite struct TextureStyleGANTests {
    // MARK: Wavelet bank

    /// §8.3's table (Pillow 13 bilinear), rows top → bottom.
    static let edgeTable: [[Double]] = [
        [1, 0, -1, 1, 0, -1, 1, 0, -1],
        [0.5412, -0.3827, -1, 0.9239, 0, -0.9239, 1, 0.3827, -0.5412],
        [0, -0.7071, -1, 0.7071, 0, -0.7071, 1, 0.7071, 0],
        [-0.5412, -0.9239, -1, 0.3827, 0, -0.3827, 1, 0.9239, 0.5412],
        [-1, -1, -1, 0, 0, 0, 1, 1, 1],
        [-1, -0.9239, -0.5412, -0.3827, 0, 0.3827, 0.5412, 0.9239, 1],
        [-1, -0.7071, 0, -0.7071, 0, 0.7071, 0, 0.7071, 1],
        [-1, -0.3827, 0.5412, -0.9239, 0, 0.9239, -0.5412, 0.3827, 1],
    ]
    static let lineTable: [[Double]] = [
        [0.6667, -1.3333, 0.6667, 0.6667, -1.3333, 0.6667, 0.6667, -1.3333, 0.6667],
        [-0.1833, -0.5003, 0.7343, 0.5821, -1.2657, 0.5821, 0.7343, -0.5003, -0.1833],
        [-1.0730, 0.3412, 0.9270, 0.3412, -1.0730, 0.3412, 0.9270, 0.3412, -1.0730],
        [-0.1833, 0.5821, 0.7343, -0.5003, -1.2657, -0.5003, 0.7343, 0.5821, -0.1833],
        [0.6667, 0.6667, 0.6667, -1.3333, -1.3333, -1.3333, 0.6667, 0.6667, 0.6667],
        [0.7343, 0.5821, -0.1833, -0.5003, -1.2657, -0.5003, -0.1833, 0.5821, 0.7343],
        [0.9270, 0.3412, -1.0730, 0.3412, -1.0730, 0.3412, -1.0730, 0.3412, 0.9270],
        [0.7343, -0.5003, -0.1833, 0.5821, -1.2657, 0.5821, -0.1833, -0.5003, 0.7343],
    ]
    static let sparseTable: [[Double]] = [
        [0, 0, 0, 0, 1, 0, 0, 0, 0], [-1, -1, -1, -1, 1, -1, -1, -1, -1],
        [0, 1, 0, 1, 1, 1, 0, 1, 0], [-1, 1, -1, 1, 1, 1, -1, 1, -1],
    ]

    @Test func waveletBankMatchesTheTable() {
        let bank = WaveletBank.filters
        #expect(bank.count == 40)
        let expected = Self.edgeTable + Self.lineTable + Self.sparseTable
        for (k, row) in (expected + expected.map { $0.map { -$0 } }).enumerated() {
            for t in 0..<9 {
                #expect(abs(bank[k][t] - row[t]) <= 1e-3, "filter \(k) tap \(t): \(bank[k][t]) vs \(row[t])")
            }
        }
    }

    // MARK: Rank-1 shortcut vs dense

    static let reduced = StyleGANOrientedArchitecture(resolution: 32, channelBase: 128, channelMax: 16, wDim: 32)

    /// The network evaluated as written: per (o, i) modulated weights g_o·s_i·wav_{idx_i},
    /// demodulation with ε, conv (or transposed conv + FIR), noise, bias, ReLU·√2, dense ToRGB.
    static func dense(_ a: StyleGANOrientedArchitecture, _ w: StyleGANGeneratorWeights,
                      _ p: StyleGANImageParameters, epsilon: Double) -> [Double] {
        // |g_o| from an independent stream: only the signs are the generator's.
        var magnitudes = TextureRandom(digest: SceneDigest(sha256: [UInt8](repeating: 3, count: 32)), seed: 9, index: 0)
        let noise = StyleGANImageParameters.noisePyramid(p.noise, side: 2 * a.resolution, down: a.blocks)
        var x: [[Double]] = (0..<a.channels(4)).map { Array(w.constant[($0 * 16)..<($0 * 16 + 16)]) }
        var side = 4
        var image = [Double]()
        var imageSide = 0
        for (l, conv) in a.convs.enumerated() {
            let d = p.convs[l]
            let g = (0..<conv.outChannels).map { (d.positive[$0] ? 1.0 : -1.0) * (abs(magnitudes.gaussian()) + 0.05) }
            let res = conv.resolution
            var out = [[Double]]()
            for o in 0..<conv.outChannels {
                var norm = 0.0
                var weight = [[Double]]()
                for i in 0..<conv.inChannels {
                    let f = WaveletBank.filters[d.subset[d.filterIndex[i]]]
                    let wi = f.map { g[o] * d.styles[i] * $0 }
                    norm += wi.reduce(0) { $0 + $1 * $1 }
                    weight.append(wi)
                }
                let demod = 1 / (norm + epsilon).squareRoot()
                var y: [Double]
                if conv.up {
                    let l2 = 2 * side + 1
                    var u = [Double](repeating: 0, count: l2 * l2)
                    for i in 0..<conv.inChannels {
                        for yy in 0..<side {
                            for xx in 0..<side {
                                let value: Double = x[i][yy * side + xx] * demod
                                for t in 0..<9 {
                                    let index: Int = (2 * yy + t / 3) * l2 + 2 * xx + t % 3
                                    u[index] += weight[i][t] * value
                                }
                            }
                        }
                    }
                    y = StyleGANOrientedSynthesis.firAfterTransposedConv(u, inputSide: l2)
                } else {
                    y = [Double](repeating: 0, count: res * res)
                    for i in 0..<conv.inChannels {
                        for yy in 0..<res {
                            for xx in 0..<res {
                                var acc = 0.0
                                for t in 0..<9 {
                                    let sy = yy + t / 3 - 1, sx = xx + t % 3 - 1
                                    if sy >= 0 && sy < res && sx >= 0 && sx < res { acc += weight[i][t] * x[i][sy * res + sx] }
                                }
                                y[yy * res + xx] += acc * demod
                            }
                        }
                    }
                }
                out.append((0..<(res * res)).map { q in
                    let v = y[q] + d.noiseStrength * noise[res]![q] + d.bias[o]
                    return max(v, 0) * 2.0.squareRoot()
                })
            }
            x = out
            side = res
            if let b = conv.toRGB {
                let coefficients = p.toRGBCoefficients[b]
                var rgb = [Double](repeating: 0, count: 3 * res * res)
                for c in 0..<3 {
                    for i in 0..<x.count {
                        for q in 0..<(res * res) { rgb[c * res * res + q] += coefficients[c * x.count + i] * x[i][q] }
                    }
                }
                image = imageSide == 0 ? rgb : StyleGANOrientedSynthesis.add(
                    StyleGANOrientedSynthesis.upsample(image, side: imageSide), rgb)
                imageSide = res
            }
        }
        return image
    }

    @Test(arguments: [0, 1, 2])
    func rankOneShortcutEqualsDenseEvaluation(id: Int) throws {
        let pool = try StyleGANOrientedTexturePool(seed: 11, count: 10, architecture: Self.reduced, imagesPerGenerator: 400)
        let (weights, parameters) = pool.sample(id)
        let fast = StyleGANOrientedSynthesis.render(Self.reduced, weights: weights, parameters: parameters)
        for epsilon in [0.0, 1e-8] {
            let reference = Self.dense(Self.reduced, weights, parameters, epsilon: epsilon)
            #expect(fast.count == reference.count && fast.count == 3 * 32 * 32)
            let scale = reference.map { abs($0) }.max()!
            let worst = zip(fast, reference).map { abs($0 - $1) }.max()!
            #expect(scale > 0.1)
            // ε = 0: the identity is exact, only rounding differs. ε = 10⁻⁸ (StyleGAN2's
            // demodulation): the shortcut drops it, a relative change of 10⁻⁸/(2g_o²A), which this
            // small configuration (A ≈ 10², |g_o| ≥ 0.05) makes as large as ~10⁻⁸; at the released
            // size (A ≈ 10³–10⁴, |g_o| ~ 1) it is ~10⁻¹².
            let tolerance = epsilon == 0 ? 1e-12 : 1e-7
            #expect(worst / scale < tolerance, "id \(id), ε = \(epsilon): relative difference \(worst / scale)")
        }
    }

    // MARK: Pool behaviour

    @Test func texturesRepeatForAnIdAndDifferAcrossIds() throws {
        let pool = try StyleGANOrientedTexturePool(seed: 3, count: 800, architecture: Self.reduced, imagesPerGenerator: 400)
        let a = try pool.texture(5), b = try pool.texture(5), c = try pool.texture(6), d = try pool.texture(405)
        #expect(a == b)
        #expect(a != c && a != d && c != d)
        #expect(a.width == 32 && a.height == 32)
        // Every channel spreads over a range (colour renormalisation, not a flat image).
        for channel in 0..<3 {
            let values = stride(from: channel, to: a.pixels.count, by: 3).map { a.pixels[$0] }
            #expect(values.max()! - values.min()! > 40, "channel \(channel)")
        }
        // A different seed gives different textures.
        let other = try StyleGANOrientedTexturePool(seed: 4, count: 800, architecture: Self.reduced, imagesPerGenerator: 400)
        #expect(try other.texture(5) != a)
    }

    @Test func generatorWeightsAreSharedWithinAGeneratorOnly() throws {
        let pool = try StyleGANOrientedTexturePool(seed: 3, count: 800, architecture: Self.reduced, imagesPerGenerator: 400)
        let (w0, _) = pool.sample(0), (w399, _) = pool.sample(399), (w400, _) = pool.sample(400)
        #expect(w0.constant == w399.constant && w0.convAffine == w399.convAffine)
        #expect(w0.constant != w400.constant && w0.convAffine != w400.convAffine)
    }

    /// Loads in generation order (what the server's background warm-up follows) build each
    /// generator once, however the loads were listed.
    @Test func generationOrderBuildsEachGeneratorOnce() throws {
        let pool = try StyleGANOrientedTexturePool(seed: 3, count: 12, architecture: Self.reduced, imagesPerGenerator: 2)
        let cached = TextureCache(byteLimit: 1 << 24).pool(wrapping: pool)
        let interleaved = [0, 2, 4, 6, 8, 10, 1, 3, 5, 7, 9, 11].map { TextureLoad(pool: cached, id: $0) }
        let ordered = TextureLoad.generationOrder(interleaved)
        #expect(ordered.map(\.id) == Array(0..<12))
        for load in ordered { try load.load() }
        #expect(pool.generatorBuilds == 6)
    }

    /// A style matrix keeps its rows interleaved in groups of eight; every row's style is the sum
    /// of its own products in the order of j, bit for bit, whatever the group or lane (13 rows:
    /// one full group and one partial).
    @Test func styleMatrixRowsAreTheirOwnSums() {
        var random = TextureRandom(digest: SceneDigest(sha256: [UInt8](repeating: 7, count: 32)), seed: 1, index: 0)
        let matrix = StyleMatrix(rows: 13, wDim: 24, random: &random)
        let w = ArraySlice((0..<24).map { _ in random.gaussian() })
        let styles = matrix.styles(w)
        #expect(styles.count == 13)
        var again = TextureRandom(digest: SceneDigest(sha256: [UInt8](repeating: 7, count: 32)), seed: 1, index: 0)
        var drawn = [Float]()
        while drawn.count < 13 * 24 {
            let (a, b) = again.gaussianPair()
            drawn += [Float(a), Float(b)]
        }
        for r in 0..<13 {
            var sum = 0.0
            for j in 0..<24 {
                #expect(matrix[r, j] == drawn[r * 24 + j])
                sum += Double(drawn[r * 24 + j]) * w[w.startIndex + j]
            }
            #expect(styles[r].bitPattern == (sum * (1 / Double(24).squareRoot()) + 1).bitPattern, "row \(r)")
        }
    }

    /// The smallest resolution (8: a 17-point pink-noise transform, all through the odd-prime
    /// butterfly, and 16-pixel rows, one vector pair wide) renders, twice the same.
    @Test func smallestResolutionRendersDeterministically() throws {
        let architecture = StyleGANOrientedArchitecture(resolution: 8, channelBase: 64, channelMax: 8, wDim: 16)
        let pool = try StyleGANOrientedTexturePool(seed: 2, count: 4, architecture: architecture, imagesPerGenerator: 400)
        let a = try pool.texture(1), b = try pool.texture(1)
        #expect(a == b && a.width == 8 && a.pixels.count == 8 * 8 * 3)
        #expect(Set(a.pixels).count > 8)
        var random = TextureRandom(digest: SceneDigest(sha256: [UInt8](repeating: 3, count: 32)), seed: 0, index: 0)
        let map = PinkNoise.map(resolution: 8, random: &random)
        let (mean, std) = LaneSum.meanAndStd(map)
        #expect(map.count == 16 * 16 && abs(std - 1) < 1e-12 && abs(mean) < 1)
    }

    @Test func invalidParametersAreRejected() {
        #expect(throws: TextureError.self) { try StyleGANOrientedTexturePool(seed: 0, resolution: 100) }
        #expect(throws: TextureError.self) { try StyleGANOrientedTexturePool(seed: 0, count: 0) }
        #expect(throws: TextureError.idOutOfRange(id: 10, count: 10)) {
            try StyleGANOrientedTexturePool(seed: 0, count: 10, resolution: 8).texture(10)
        }
    }

    // MARK: Latent walk (§8.6, D12)

    static func meanAbsoluteDifference(_ a: Texture, _ b: Texture) -> Double {
        Double(zip(a.pixels, b.pixels).reduce(0) { $0 + abs(Int($1.0) - Int($1.1)) }) / Double(a.pixels.count)
    }

    @Test func latentWalkStartsAtTheStaticTextureAndMovesSmoothly() throws {
        let base = try StyleGANOrientedTexturePool(seed: 5, count: 4, architecture: Self.reduced, imagesPerGenerator: 400)
        let walk = try StyleGANWalkTexturePool(base: base, sigma: 0.05, framesPerTexture: 100)
        #expect(walk.count == 400)
        // Frame 0 of texture b is texture b of the static pool.
        #expect(try walk.texture(2 * 100) == base.texture(2))
        // Consecutive frames differ a little, far less than two different textures do.
        let f10 = try walk.texture(2 * 100 + 10), f11 = try walk.texture(2 * 100 + 11)
        let step = Self.meanAbsoluteDifference(f10, f11)
        let apart = Self.meanAbsoluteDifference(try base.texture(2), try base.texture(3))
        #expect(step > 0 && step < apart / 5, "step \(step), different textures \(apart)")
        // Drift grows with time.
        let drift = Self.meanAbsoluteDifference(try walk.texture(2 * 100), try walk.texture(2 * 100 + 60))
        #expect(drift > step)
        // Any frame computed alone, in any order, has the same bytes.
        let again = try StyleGANWalkTexturePool(base: base, sigma: 0.05, framesPerTexture: 100)
        #expect(try again.texture(2 * 100 + 11) == f11)
        // σ = 0 freezes the texture.
        let frozen = try StyleGANWalkTexturePool(base: base, sigma: 0, framesPerTexture: 100)
        #expect(try frozen.texture(1 * 100 + 37) == base.texture(1))
        #expect(walk.identity == again.identity)
        #expect(walk.identity != (try StyleGANWalkTexturePool(base: base, sigma: 0.06, framesPerTexture: 100)).identity)
        #expect(walk.identity != base.identity && frozen.identity != walk.identity)
        #expect(throws: TextureError.self) { try StyleGANWalkTexturePool(base: base, sigma: 2, framesPerTexture: 100) }
    }
}
