import Testing
@testable import SyntheticVideo

/// SHA-256 pins of the procedural textures' intermediate Doubles, bit for bit: the pink-noise
/// map, FFT lines of three plan shapes (radix 4/2, radix 4/5, radix 3/19), histogram matching,
/// the rank-1 StyleGAN synthesis and one statistical synthesis round. The texture pins
/// (`TexturePoolTests`) hash 8-bit pixels, where a change of an ulp can round away; these
/// catch it. The digests were first computed at a10700b, before the speed work that claims
/// the same bits. A change here changes textures: bump the generator version (DESIGN.md).
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
        #expect(Self.hash(map) == "5cac8b633d8d246ed390b8a004b104a9c2b25df1faaf36a838079197adbc519a")
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
        #expect(Self.hash(out) == "6b77c7217fd0777aad75410f82768159bbc5c7fcecde61644128cd11202d3dc7")
    }

    @Test func histogramMatch() {
        var random = TextureRandom(digest: Self.digest, seed: 7, index: 0)
        let centres = (0..<256).map { Double($0) - 127.5 }
        let counts = (0..<256).map { _ in Double(random.integer(in: 0...50)) }
        let target = HistogramTarget(counts: counts, centres: centres)
        var values = (0..<10_000).map { _ in random.gaussian() * 30 }
        target.match(&values)
        #expect(Self.hash(values) == "c369f5572676aefe2b7e36f8992ad44a14e9bd271f1fb0bd65ff1a4483ffa259")
    }

    @Test func styleGANSynthesis() throws {
        let architecture = StyleGANOrientedArchitecture(resolution: 32, channelBase: 128, channelMax: 16, wDim: 32)
        let pool = try StyleGANOrientedTexturePool(seed: 11, count: 10, architecture: architecture, imagesPerGenerator: 400)
        let (weights, parameters) = pool.sample(3)
        let image = StyleGANOrientedSynthesis.render(architecture, weights: weights, parameters: parameters)
        #expect(Self.hash(parameters.noise + image) == "01fb60d33eafe503c93aab86493a854ee9b135500538b30a1f7127fee70c0c61")
    }

    @Test func statisticalSynthesisRound() throws {
        let pool = try StatisticalTexturePool(seed: 4, count: 10, size: 64, iterations: 1)
        var (model, random) = pool.model(1)
        var channel = (0..<(64 * 64)).map { _ in 256 * random.unit() }
        pool.imposeSpectrum(&channel, model.magnitude)
        let afterSpectrum = channel
        pool.imposeWavelets(&channel, model.bandTargets[0])
        let afterWavelets = channel
        model.colourHistograms[0].match(&channel)
        #expect(Self.hash(afterSpectrum + afterWavelets + channel) == "824eb9006383a7c98c3d979e6e3f9c617da9b74d70ef7e9162c8e6cace61a134")
    }
}
