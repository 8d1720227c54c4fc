import Testing
@testable import SyntheticVideo

/// SHA-256 pins of the procedural textures' intermediate Doubles, bit for bit: the pink-noise
/// map, FFT lines of three plan shapes (radix 4/2, radix 4/5, radix 3/19), histogram matching,
/// the rank-1 StyleGAN synthesis and one statistical synthesis round. The texture pins
/// (`TexturePoolTests`) hash 8-bit pixels, where a change of an ulp can round away; these
/// catch it. Pinned for generator version 2 (version 1's were computed at a10700b; version 2
/// changed the operation order of the odd-radix FFT butterfly, the long sums, histogram
/// matching and the spectrum step). A change here changes textures: bump the generator version
/// (DESIGN.md).
@Suite struct TextureDoublePinTests {
    static let digest = SceneDigest(sha256: (0..<32).map { UInt8(255 - $0) })

    static func hash(_ values: [Double]) -> String {
        var bytes = [UInt8]()
        bytes.reserveCapacity(8 * values.count)
        for v in values {
            for shift in stride(from: 0, to: 64, by: 8) { bytes.append(UInt8(truncatingIfNeeded: v.bitPattern >> UInt64(shift))) }
        }
        return sha256Hex(bytes)
    }

    @Test func pinkNoiseMap() {
        var random = TextureRandom(digest: Self.digest, seed: 5, index: 2)
        let map = PinkNoise.map(resolution: 16, random: &random)
        #expect(map.count == 32 * 32)
        #expect(Self.hash(map) == "0612518cb3f571d082332b1e908f3a353328a711295882c6b4da3eb82c2db244")
    }

    @Test func fftLines() {
        var random = TextureRandom(digest: Self.digest, seed: 6, index: 0)
        var out = [Double]()
        for n in [256, 100, 513] {
            let plan = FFTPlan(size: n)
            let re = (0..<n).map { _ in random.uniform(-1, 1) }, im = (0..<n).map { _ in random.uniform(-1, 1) }
            for inverse in [false, true] {
                let (r, i) = plan.transform(re, im, inverse: inverse)
                out += r + i
            }
        }
        #expect(Self.hash(out) == "ec4bfe7efe1b71ec5af847da64e07d7b3ef48da2130fa97cb3648a5cbe6facff")
    }

    @Test func histogramMatch() {
        var random = TextureRandom(digest: Self.digest, seed: 7, index: 0)
        let centres = (0..<256).map { Double($0) - 127.5 }
        let counts = (0..<256).map { _ in Double(random.integer(in: 0...50)) }
        let target = HistogramTarget(counts: counts, centres: centres)
        var values = (0..<10_000).map { _ in random.gaussian() * 30 }
        target.match(&values)
        #expect(Self.hash(values) == "769adbf1e7f7e97211789ac655f86de6881029d34afe5a029c113ddb7b7f18cc")
    }

    @Test func styleGANSynthesis() throws {
        let architecture = StyleGANOrientedArchitecture(resolution: 32, channelBase: 128, channelMax: 16, wDim: 32)
        let pool = try StyleGANOrientedTexturePool(seed: 11, count: 10, architecture: architecture, imagesPerGenerator: 400)
        let (weights, parameters) = pool.sample(3)
        let image = StyleGANOrientedSynthesis.render(architecture, weights: weights, parameters: parameters)
        #expect(Self.hash(parameters.noise + image) == "c47277ce9c791ce461f81150756d9481729e2c6caf67253e698b5e472bca5319")
    }

    @Test func statisticalSynthesisRound() throws {
        let pool = try StatisticalTexturePool(seed: 4, count: 10, size: 64, iterations: 1)
        var (model, random) = pool.model(1)
        let noise = (0..<(64 * 64)).map { _ in 256 * random.unit() }
        let spectrum = pool.imposeSpectrum(noise, model)
        let afterSpectrum = spectrum.re + spectrum.im
        var channel = pool.imposeWavelets(spectrum, model.bandTargets[0])
        let afterWavelets = channel
        model.colourHistograms[0].match(&channel)
        #expect(Self.hash(afterSpectrum + afterWavelets + channel) == "18982182c7cae0a192b2fae10d29ec1b0baac7121202a51a5307fec88a70f25a")
    }
}
