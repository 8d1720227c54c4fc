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
    /// One matrix per conv then one per ToRGB, inChannels × wDim.
    let convAffine: [StyleMatrix]
    let toRGBAffine: [StyleMatrix]

    init(architecture: StyleGANOrientedArchitecture, random: inout TextureRandom) {
        let c4 = architecture.channels(4)
        constant = (0..<(c4 * 16)).map { _ in random.gaussian() }
        convAffine = architecture.convs.map { StyleMatrix(rows: $0.inChannels, wDim: architecture.wDim, random: &random) }
        toRGBAffine = architecture.toRGBs.map { StyleMatrix(rows: $0.inChannels, wDim: architecture.wDim, random: &random) }
    }
}

/// A style ("affine") layer's weights: `rows` × `wDim` N(0, 1) draws in row-major draw order,
/// rounded to Float, stored as groups of `lanes` rows interleaved column by column (element
/// (r, j) at ((r / lanes)·wDim + j)·lanes + r % lanes, missing rows of the last group 0), so
/// that `styles` computes `lanes` rows with each vector operation. Every row still gets exactly
/// the operations of its own scalar loop (lane-wise IEEE arithmetic), so the layout is invisible
/// in the results.
struct StyleMatrix: Sendable, Equatable {
    static let lanes = 8
    typealias Lanes = SIMD8<Double>
    let rows: Int
    let wDim: Int
    private let values: [Float]

    init(rows: Int, wDim: Int, random: inout TextureRandom) {
        let lanes = Self.lanes
        let groups = (rows + lanes - 1) / lanes
        let n = rows * wDim
        var drawn = [Float](repeating: 0, count: n)
        var k = 0
        while k < n {
            let (a, b) = random.gaussianPair()
            drawn[k] = Float(a)
            if k + 1 < n { drawn[k + 1] = Float(b) }
            k += 2
        }
        var values = [Float](repeating: 0, count: groups * wDim * lanes)
        for r in 0..<rows {
            let group = (r / lanes) * wDim * lanes, lane = r % lanes
            for j in 0..<wDim { values[group + j * lanes + lane] = drawn[r * wDim + j] }
        }
        self.rows = rows
        self.wDim = wDim
        self.values = values
    }

    /// Element (r, j).
    subscript(r: Int, j: Int) -> Float { values[((r / Self.lanes) * wDim + j) * Self.lanes + r % Self.lanes] }

    /// (W·w)/√wDim + 1 for each row, each row's sum in the order of j.
    func styles(_ w: ArraySlice<Double>) -> [Double] {
        precondition(w.count == wDim, "StyleMatrix: latent width")
        let lanes = Self.lanes
        let gain = 1 / Double(wDim).squareRoot()
        let groups = values.count / (wDim * lanes)
        var out = [Double](repeating: 0, count: groups * lanes)
        values.withUnsafeBufferPointer { m in
            w.withUnsafeBufferPointer { wv in
                out.withUnsafeMutableBufferPointer { o in
                    for g in 0..<groups {
                        let group = UnsafeRawPointer(m.baseAddress! + g * wDim * lanes)
                        var acc = Lanes()
                        for j in 0..<wDim {
                            let column = group.loadUnaligned(fromByteOffset: j * lanes * 4, as: SIMD8<Float>.self)
                            acc += Lanes(column) * wv[j]
                        }
                        UnsafeMutableRawPointer(o.baseAddress! + g * lanes).storeBytes(of: acc * gain + 1, as: Lanes.self)
                    }
                }
            }
        }
        return Array(out.prefix(rows))
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
            let styles = weights.convAffine[l].styles(latent(conv.wIndex))
            convs.append(ConvDraws(subset: subset, filterIndex: filterIndex, positive: positive, bias: bias,
                                   noiseStrength: strength, styles: styles))
        }
        self.convs = convs
        toRGBCoefficients = a.toRGBs.enumerated().map { b, layer in
            let styles = weights.toRGBAffine[b].styles(latent(layer.wIndex))
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
