import Synchronization

/// Dynamic StyleGAN-Oriented textures (GENERATORS.md §8.6, decision D12): texture `b` of the
/// base pool, walked through its latents over time. Frame t uses the latents
/// z_t = z_0 + σ·(n_1 + … + n_t), n_k ~ N(0, I) (numWs × wDim each, from the walk stream of `b`);
/// every other per-image quantity (filters, gains, biases, noise, ToRGB weights, colour targets)
/// is that of texture `b`, and the colour normalisation keeps frame 0's output statistics, so
/// consecutive frames differ only by the small latent step.
///
/// As a pool, id `b·framesPerTexture + t` is frame t of texture b: the cache, banks and the
/// server's warm-up treat each frame as a texture. Cost: one network evaluation per (texture,
/// frame) — a 16-frame clip of 500 objects needs up to 8 000 — plus σ-walk draws growing with t
/// and one extra evaluation per texture for its frame-0 statistics. Serve it from a warm cache.
public struct StyleGANWalkTexturePool: TexturePool {
    public let base: StyleGANOrientedTexturePool
    public let sigma: Double
    public let framesPerTexture: Int
    private let statistics: StatisticsCache

    public init(base: StyleGANOrientedTexturePool, sigma: Double, framesPerTexture: Int) throws(TextureError) {
        guard sigma >= 0 && sigma <= 1 else { throw .invalidParameter(name: "walkSigma", reason: "must be in 0...1, got \(sigma)") }
        guard framesPerTexture >= 1, base.count <= Int.max / framesPerTexture else {
            throw .invalidParameter(name: "framesPerTexture", reason: "must be at least 1 and keep ids in range")
        }
        self.base = base
        self.sigma = sigma
        self.framesPerTexture = framesPerTexture
        statistics = StatisticsCache()
    }

    public var count: Int { base.count * framesPerTexture }

    public var identity: String {
        JSONValue.object([
            "kind": .string("stylegan-oriented-latent-walk"), "base": .string(base.identity),
            "walkSigma": .number(sigma), "framesPerTexture": .integer(Int64(framesPerTexture)),
        ]).canonicalText
    }

    public func texture(_ id: Int) throws(TextureError) -> Texture {
        try checkID(id)
        let (texture, t) = id.quotientAndRemainder(dividingBy: framesPerTexture)
        let frame = base.networkOutput(texture, latentOffset: t == 0 ? nil : latentOffset(texture, steps: t))
        // Frame 0's statistics, from this output when it is frame 0 (so no frame evaluates it twice).
        let reference = statistics.value(texture) {
            StyleGANOrientedTexturePool.statistics(t == 0 ? frame.output : base.networkOutput(texture).output,
                                                   side: base.resolution)
        }
        return StyleGANOrientedTexturePool.normalise(frame.output, side: base.resolution, mean: frame.mean,
                                                     std: frame.std, statistics: reference)
    }

    /// σ·(n_1 + … + n_t) for texture `texture`.
    func latentOffset(_ texture: Int, steps: Int) -> [Double] {
        let a = base.architecture
        let size = a.numWs * a.wDim
        var sum = [Double](repeating: 0, count: size)
        // The walk's own stream: index 2⁶² | texture, apart from textures (< 2⁶²) and generators (2⁶³ | k).
        var random = TextureRandom(digest: base.digest, seed: base.seed, index: (1 << 62) | UInt64(texture))
        for _ in 0..<steps {
            var k = 0
            while k < size {
                let (g0, g1) = random.gaussianPair()
                sum[k] += g0
                if k + 1 < size { sum[k + 1] += g1 }
                k += 2
            }
        }
        return sum.map { $0 * sigma }
    }

    /// Frame-0 statistics per texture (6 numbers each), kept for the pool's lifetime.
    final class StatisticsCache: Sendable {
        private let values = Mutex<[Int: (mean: [Double], std: [Double])]>([:])

        func value(_ texture: Int, make: () -> (mean: [Double], std: [Double])) -> (mean: [Double], std: [Double]) {
            if let hit = values.withLock({ $0[texture] }) { return hit }
            let made = make()
            values.withLock { $0[texture] = made }
            return made
        }
    }
}
