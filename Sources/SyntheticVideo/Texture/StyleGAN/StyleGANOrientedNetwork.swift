/// The architecture of the untrained StyleGAN2 "skip" synthesis network used by StyleGAN-Oriented
/// (GENERATORS.md §8.2), with the reduced sizes the tests use to compare against a dense evaluation.
struct StyleGANOrientedArchitecture: Sendable, Hashable {
    /// Output side (a power of two ≥ 8): 256 for the released textures.
    var resolution = 256
    /// channels(res) = min(channelBase / res, channelMax): 32768 and 512 as released.
    var channelBase = 32768
    var channelMax = 512
    /// Latent width (512 as released).
    var wDim = 512

    func channels(_ res: Int) -> Int { Swift.min(channelBase / res, channelMax) }

    /// Block resolutions 4, 8, …, resolution.
    var blocks: [Int] {
        var out = [Int]()
        var r = 4
        while r <= resolution { out.append(r); r *= 2 }
        return out
    }

    var numWs: Int { 2 * blocks.count }

    /// The modulated convolutions in network order.
    struct Conv: Sendable, Hashable {
        let inChannels: Int
        let outChannels: Int
        /// Output resolution.
        let resolution: Int
        /// ×2 upsampling (conv0 of blocks 8…).
        let up: Bool
        let wIndex: Int
        /// Index into `toRGB` when this conv's output also feeds the block's ToRGB.
        let toRGB: Int?
    }

    struct ToRGB: Sendable, Hashable {
        let inChannels: Int
        let resolution: Int
        let wIndex: Int
    }

    var convs: [Conv] {
        var out = [Conv]()
        for (b, res) in blocks.enumerated() {
            if b == 0 {
                out.append(Conv(inChannels: channels(4), outChannels: channels(4), resolution: 4, up: false,
                                wIndex: 0, toRGB: 0))
            } else {
                out.append(Conv(inChannels: channels(res / 2), outChannels: channels(res), resolution: res, up: true,
                                wIndex: 2 * b - 1, toRGB: nil))
                out.append(Conv(inChannels: channels(res), outChannels: channels(res), resolution: res, up: false,
                                wIndex: 2 * b, toRGB: b))
            }
        }
        return out
    }

    var toRGBs: [ToRGB] {
        blocks.enumerated().map { b, res in ToRGB(inChannels: channels(res), resolution: res, wIndex: 2 * b + 1) }
    }
}

/// Persistent parameters of one generator instance (re-drawn every 400 images, §8.1): the
/// constant input and every style ("affine") layer's weights, stored as Float (they are N(0, 1)
/// draws: storing them rounded to Float is part of this generator's definition, and halves the
/// memory to 19 MB for the released architecture).
struct StyleGANGeneratorWeights: Sendable {
    /// channels(4) × 16.
    let constant: [Double]
    /// One matrix per conv then one per ToRGB: inChannels × wDim, row-major.
    let convAffine: [[Float]]
    let toRGBAffine: [[Float]]

    init(architecture: StyleGANOrientedArchitecture, random: inout TextureRandom) {
        let c4 = architecture.channels(4)
        constant = (0..<(c4 * 16)).map { _ in random.gaussian() }
        func matrix(_ rows: Int) -> [Float] {
            let n = rows * architecture.wDim
            var out = [Float](repeating: 0, count: n)
            var k = 0
            while k < n {
                let (a, b) = random.gaussianPair()
                out[k] = Float(a)
                if k + 1 < n { out[k + 1] = Float(b) }
                k += 2
            }
            return out
        }
        convAffine = architecture.convs.map { matrix($0.inChannels) }
        toRGBAffine = architecture.toRGBs.map { matrix($0.inChannels) }
    }

    /// (W·w)/√wDim + 1 for each row of `matrix`.
    static func styles(_ matrix: [Float], _ w: ArraySlice<Double>, wDim: Int) -> [Double] {
        let rows = matrix.count / wDim
        let gain = 1 / Double(wDim).squareRoot()
        var out = [Double](repeating: 0, count: rows)
        matrix.withUnsafeBufferPointer { m in
            w.withUnsafeBufferPointer { wv in
                // Four rows at a time: four independent sums, each in the order of j, so every
                // row's bits are those of its own loop, without one addition's latency per term.
                var r = 0
                while r + 4 <= rows {
                    let row0 = m.baseAddress! + r * wDim, row1 = row0 + wDim, row2 = row1 + wDim, row3 = row2 + wDim
                    var acc0 = 0.0, acc1 = 0.0, acc2 = 0.0, acc3 = 0.0
                    for j in 0..<wDim {
                        let x = wv[j]
                        acc0 += Double(row0[j]) * x
                        acc1 += Double(row1[j]) * x
                        acc2 += Double(row2[j]) * x
                        acc3 += Double(row3[j]) * x
                    }
                    (out[r], out[r + 1], out[r + 2], out[r + 3]) = (acc0 * gain + 1, acc1 * gain + 1, acc2 * gain + 1, acc3 * gain + 1)
                    r += 4
                }
                for r in r..<rows {
                    var acc = 0.0
                    let row = m.baseAddress! + r * wDim
                    for j in 0..<wDim { acc += Double(row[j]) * wv[j] }
                    out[r] = acc * gain + 1
                }
            }
        }
        return out
    }
}

/// Everything drawn for one image (§8.1: re-sampled for every image), plus the derived styles.
struct StyleGANImageParameters: Sendable {
    struct ConvDraws: Sendable {
        /// The n_sub filters of this layer, as bank indices (a random subset, in permutation order).
        let subset: [Int]
        /// Per input channel: index into `subset` ("chin").
        let filterIndex: [Int]
        /// Per output channel: sign of the Gaussian gain g_o ("chout"): only the sign matters (§8.3).
        let positive: [Bool]
        /// Per output channel bias U[−0.2, 0.2).
        let bias: [Double]
        /// Noise strength U[0, 0.3).
        let noiseStrength: Double
        /// Per input channel modulation s_i.
        let styles: [Double]
    }

    let convs: [ConvDraws]
    /// Per block: 3 × inChannels ToRGB weights (fresh N(0, 1)) times the ToRGB styles.
    let toRGBCoefficients: [[Double]]
    /// 2r × 2r pink-noise map (unit std).
    let noise: [Double]
    /// Colour normalisation: target mean and std per channel.
    let colourMean: [Double]
    let colourStd: [Double]

    /// `latentOffset` (numWs × wDim, added to the Gaussians before the LeakyReLU) moves the
    /// latents of a latent walk (§8.6); every other draw is the same with or without it.
    init(architecture a: StyleGANOrientedArchitecture, weights: StyleGANGeneratorWeights,
         random: inout TextureRandom, latentOffset: [Double]? = nil) {
        // Latents: w = LeakyReLU_0.2(N(0, I)), numWs × wDim.
        var w = [Double](repeating: 0, count: a.numWs * a.wDim)
        for k in 0..<w.count {
            let g = random.gaussian() + (latentOffset?[k] ?? 0)
            w[k] = g < 0 ? 0.2 * g : g
        }
        func latent(_ index: Int) -> ArraySlice<Double> { w[(index * a.wDim)..<((index + 1) * a.wDim)] }
        var convs = [ConvDraws]()
        for (l, conv) in a.convs.enumerated() {
            let nSub = random.integer(in: 5...40)
            let subset = Array(random.permutation(WaveletBank.count).prefix(nSub))
            let filterIndex = (0..<conv.inChannels).map { _ in random.integer(in: 0...(nSub - 1)) }
            let positive = (0..<conv.outChannels).map { _ in random.integer(in: 0...1) == 1 }
            let bias = (0..<conv.outChannels).map { _ in random.uniform(-0.2, 0.2) }
            let strength = random.uniform(0, 0.3)
            let styles = StyleGANGeneratorWeights.styles(weights.convAffine[l], latent(conv.wIndex), wDim: a.wDim)
            convs.append(ConvDraws(subset: subset, filterIndex: filterIndex, positive: positive, bias: bias,
                                   noiseStrength: strength, styles: styles))
        }
        self.convs = convs
        toRGBCoefficients = a.toRGBs.enumerated().map { b, layer in
            let styles = StyleGANGeneratorWeights.styles(weights.toRGBAffine[b], latent(layer.wIndex), wDim: a.wDim)
            let gain = 1 / Double(layer.inChannels).squareRoot()
            var coefficients = [Double](repeating: 0, count: 3 * layer.inChannels)
            for c in 0..<3 {
                for i in 0..<layer.inChannels {
                    coefficients[c * layer.inChannels + i] = random.gaussian() * (styles[i] * gain)
                }
            }
            return coefficients
        }
        noise = PinkNoise.map(resolution: a.resolution, random: &random)
        colourMean = [random.gaussian() * 0.145 + 0.483, random.gaussian() * 0.142 + 0.455,
                      random.gaussian() * 0.161 + 0.401]
        colourStd = [random.gaussian() * 0.063 + 0.219, random.gaussian() * 0.062 + 0.213,
                     random.gaussian() * 0.069 + 0.213]
    }

    /// The noise map area-averaged to `res` × `res` (exact block means of the 2r × 2r map).
    static func noisePyramid(_ noise: [Double], side: Int, down to: [Int]) -> [Int: [Double]] {
        var levels = [Int: [Double]]()
        var current = noise
        var n = side
        while n >= 2 {
            let half = n / 2
            var next = [Double](repeating: 0, count: half * half)
            for y in 0..<half {
                for x in 0..<half {
                    let a = current[(2 * y) * n + 2 * x], b = current[(2 * y) * n + 2 * x + 1]
                    let c = current[(2 * y + 1) * n + 2 * x], d = current[(2 * y + 1) * n + 2 * x + 1]
                    next[y * half + x] = ((a + b) + (c + d)) * 0.25
                }
            }
            current = next
            n = half
            if to.contains(n) { levels[n] = current }
        }
        return levels
    }
}
