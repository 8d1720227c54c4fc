import Synchronization

/// StyleGAN-Oriented textures (GENERATORS.md §8, stage 7): an untrained StyleGAN2 synthesis
/// network whose conv kernels are drawn from a bank of 40 oriented 3×3 wavelets, with a pink-noise
/// map, per-image re-sampling of everything §8.1 lists, and per-channel colour renormalisation
/// (§8.5), evaluated with the rank-1 shortcut (`StyleGANOrientedSynthesis`).
///
/// Randomness: texture `id` draws its per-image quantities (latents, filter subsets and choices,
/// gain signs, biases, noise strengths, ToRGB weights, pink noise, colour targets) from the
/// stream (pool digest, seed, `.texture`, id). The persistent generator parameters (constant input,
/// style FC weights) belong to generator `id / imagesPerGenerator` and come from the pool-level
/// stream of that index, as the reference re-creates its network every 400 images. The two most
/// recently used generators are kept in memory (19 MB each at the released size).
///
/// Cost (release build, one core of the 2-core x86-64 development machine, `synthclips textures
/// build stylegan-oriented --count 400 --threads 1`, three runs alternating with generator version
/// 1's binary): median 31.9 ms per 256² texture, including its share of the generator (about
/// 240 ms per generator, once per 400 ids) and the bank's file writes, where version 1 took
/// 44.2 ms in the same (slow) minutes; in this machine's fast phases version 1 took 24–31 ms.
/// About a quarter is the 513² pink-noise map (a third of it the 513-point transforms), a fifth
/// the layers' prefix sums, a tenth the style affines (17 MB of Float weights streamed per image).
/// Goal: 20 ms.
///
/// Deviations (documented choices): gains g_o are drawn as fair signs (only the sign matters,
/// §8.3); the ε = 10⁻⁸ of demodulation is dropped; colour statistics use the population std.
public struct StyleGANOrientedTexturePool: TexturePool {
    /// Seed of the pool (keys every draw with the pool digest).
    public let seed: UInt64
    /// Number of ids (default 10 000).
    public let count: Int
    /// Output side (default 256, as released; a power of two ≥ 8).
    public let resolution: Int
    /// Images per generator instance (default 400, as released).
    public let imagesPerGenerator: Int

    let architecture: StyleGANOrientedArchitecture
    let digest: SceneDigest
    private let parameters: JSONValue
    private let generators: GeneratorCache

    public init(seed: UInt64, count: Int = 10_000, resolution: Int = 256,
                imagesPerGenerator: Int = 400) throws(TextureError) {
        var architecture = StyleGANOrientedArchitecture()
        architecture.resolution = resolution
        try self.init(seed: seed, count: count, architecture: architecture, imagesPerGenerator: imagesPerGenerator)
    }

    /// Any architecture (the tests use reduced channel counts).
    init(seed: UInt64, count: Int, architecture: StyleGANOrientedArchitecture,
         imagesPerGenerator: Int) throws(TextureError) {
        let r = architecture.resolution
        guard r >= 8 && r <= 1024 && r & (r - 1) == 0 else {
            throw .invalidParameter(name: "resolution", reason: "must be a power of two in 8...1024, got \(r)")
        }
        guard count >= 1 else { throw .invalidParameter(name: "count", reason: "must be at least 1, got \(count)") }
        guard imagesPerGenerator >= 1 else {
            throw .invalidParameter(name: "imagesPerGenerator", reason: "must be at least 1, got \(imagesPerGenerator)")
        }
        guard architecture.channels(r) >= 1, architecture.wDim >= 1 else {
            throw .invalidParameter(name: "channels", reason: "the architecture has no channels")
        }
        self.seed = seed
        self.count = count
        self.resolution = r
        self.imagesPerGenerator = imagesPerGenerator
        self.architecture = architecture
        parameters = .object([
            "kind": .string("stylegan-oriented"),
            "resolution": .integer(Int64(r)),
            "imagesPerGenerator": .integer(Int64(imagesPerGenerator)),
            "channelBase": .integer(Int64(architecture.channelBase)),
            "channelMax": .integer(Int64(architecture.channelMax)),
            "wDim": .integer(Int64(architecture.wDim)),
        ])
        digest = texturePoolDigest(parameters)
        generators = GeneratorCache()
    }

    public var identity: String { proceduralIdentity(parameters, seed: seed, count: count) }

    public func texture(_ id: Int) throws(TextureError) -> Texture {
        try checkID(id)
        let planes = networkOutput(id)
        return Self.normalise(planes.output, side: resolution, mean: planes.mean, std: planes.std,
                              statistics: Self.statistics(planes.output, side: resolution))
    }

    /// The raw network output (3 planes) and the colour targets of texture `id`, its latents
    /// moved by `latentOffset` (a latent walk) when given.
    func networkOutput(_ id: Int, latentOffset: [Double]? = nil) -> (output: [Double], mean: [Double], std: [Double]) {
        let (weights, image) = sample(id, latentOffset: latentOffset)
        return (StyleGANOrientedSynthesis.render(architecture, weights: weights, parameters: image),
                image.colourMean, image.colourStd)
    }

    /// The generator weights and the per-image parameters of texture `id`.
    func sample(_ id: Int, latentOffset: [Double]? = nil) -> (StyleGANGeneratorWeights, StyleGANImageParameters) {
        let generatorIndex = id / imagesPerGenerator
        let weights = generators.weights(generatorIndex) {
            var random = TextureRandom(digest: digest, seed: seed, poolLevel: UInt64(generatorIndex))
            return StyleGANGeneratorWeights(architecture: architecture, random: &random)
        }
        var random = TextureRandom(digest: digest, seed: seed, index: UInt64(id))
        return (weights, StyleGANImageParameters(architecture: architecture, weights: weights, random: &random,
                                                 latentOffset: latentOffset))
    }

    /// Per channel mean and population std of the raw output.
    static func statistics(_ planes: [Double], side: Int) -> (mean: [Double], std: [Double]) {
        let n = side * side
        let channels = planes.withUnsafeBufferPointer { p in
            (0..<3).map { c in LaneSum.meanAndStd(UnsafeBufferPointer(rebasing: p[(c * n)..<((c + 1) * n)])) }
        }
        return (channels.map(\.mean), channels.map(\.std))
    }

    /// §8.5: per channel, standardise with `statistics` (the output's own, or frozen ones for a
    /// latent walk), scale by std_c, shift by mean_c, clip to [0, 1], ×255, truncate;
    /// interleaved RGB bytes.
    static func normalise(_ planes: [Double], side: Int, mean: [Double], std: [Double],
                          statistics: (mean: [Double], std: [Double])) -> Texture {
        let n = side * side
        var pixels = [UInt8](repeating: 0, count: 3 * n)
        for c in 0..<3 {
            let m = statistics.mean[c], s = statistics.std[c]
            let scale = s > 0 ? std[c] / s : 0
            for k in 0..<n {
                let v = Swift.min(Swift.max((planes[c * n + k] - m) * scale + mean[c], 0), 1)
                pixels[3 * k + c] = UInt8(v * 255)
            }
        }
        return Texture(width: side, height: side, pixels: pixels)
    }

    /// Generators built so far (each rebuild of an evicted one counts).
    var generatorBuilds: Int { generators.builds.load(ordering: .relaxed) }

    /// The two most recently used generators' weights. A race computes a generator twice at worst
    /// (identical values), never waits on a lock while computing.
    final class GeneratorCache: Sendable {
        private let entries = Mutex<[(Int, StyleGANGeneratorWeights)]>([])
        let builds = Atomic<Int>(0)

        func weights(_ index: Int, make: () -> StyleGANGeneratorWeights) -> StyleGANGeneratorWeights {
            if let hit = entries.withLock({ list -> StyleGANGeneratorWeights? in
                guard let k = list.firstIndex(where: { $0.0 == index }) else { return nil }
                let entry = list.remove(at: k)
                list.append(entry)
                return entry.1
            }) { return hit }
            let made = make()
            builds.add(1, ordering: .relaxed)
            entries.withLock { list in
                if !list.contains(where: { $0.0 == index }) {
                    list.append((index, made))
                    if list.count > 2 { list.removeFirst() }
                }
            }
            return made
        }
    }
}
