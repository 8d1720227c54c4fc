import Synchronization

/// Where a renderer finds its textures: the images pool (a directory, opened by the caller: this
/// library does no I/O), any banks built ahead of time, and the procedural pools, which it
/// creates on demand for the (kind, seed, count) a configuration names. Every pool reads through
/// one shared byte-bounded cache. A bank stands in for the procedural pool it was written from (same identity, same
/// bytes), so which of the two serves a texture never changes a clip.
public final class TextureLibrary: Sendable {
    public let images: (any ImagePool)?
    public let cache: TextureCache
    private let banks: [String: any TexturePool]
    /// Pools made so far, by identity (a StyleGAN pool keeps its generators, so it is reused).
    private let pools = Mutex<[String: CachedTexturePool]>([:])
    /// Past this many distinct procedural pools (requests may name any seed and count), one is
    /// dropped to make room; its cached textures age out of the shared cache.
    private static let maxPools = 16

    /// Frames of a walking texture: every frame index a clip may name.
    static let framesPerWalk = VideoGenerator.maxFrameIndex + 1

    /// Ids per texture in the pool of `kind` for `configuration`: a walking pool numbers every
    /// (texture, frame) pair.
    static func framesPerTexture(_ kind: TexturePoolKind, _ configuration: Configuration) -> Int {
        kind == .styleganOriented && configuration.textureDynamics == .latentWalk ? framesPerWalk : 1
    }

    /// Procedural pools only, with a 1 GiB cache (2048 textures of 256×256, twice a preset's
    /// pool): the default of `VideoGenerator`.
    public static let procedural = TextureLibrary(cacheBytes: 1 << 30)

    /// `banks` are pools written ahead of time, each standing in for the pool with its identity.
    public init(images: (any ImagePool)? = nil, banks: [any TexturePool] = [], cacheBytes: Int = 1 << 30) {
        self.images = images
        cache = TextureCache(byteLimit: cacheBytes)
        self.banks = Dictionary(banks.map { ($0.identity, $0) }, uniquingKeysWith: { first, _ in first })
    }

    /// Banks loaded, by the identity of the pool each stands in for.
    public var bankIdentities: [String] { banks.keys.sorted() }

    /// Identities of the images banks that will never be read: an images bank serves only the
    /// directory it was built from, as that directory is now (its manifest hash), and all of it.
    public var unusedImagesBanks: [String] {
        banks.keys.filter { identity in
            guard case .object(let members)? = try? JSONParser.parse(identity), members["kind"] == .string("images") else {
                return false
            }
            guard let images else { return true }
            return identity != images.identity || bank(for: images) == nil
        }.sorted()
    }

    /// The configuration as this library renders it: when it uses images, `imagePool` names the
    /// loaded pool's manifest; otherwise it is empty (clips that take nothing from a pool have one
    /// hash). Fails when it uses images and none is loaded, or names another pool.
    public func bind(_ configuration: Configuration) throws(ConfigurationError) -> Configuration {
        guard configuration.usesImages else {
            var unbound = configuration
            unbound.imagePool = ""
            return unbound
        }
        guard let images else { throw .noImagePool }
        if !configuration.imagePool.isEmpty && configuration.imagePool != images.manifestHash {
            throw .imagePoolMismatch(requested: configuration.imagePool, available: images.manifestHash)
        }
        var bound = configuration
        bound.imagePool = images.manifestHash
        return bound
    }

    /// A loaded bank written from `pool`, holding every one of its ids.
    private func bank(for pool: any TexturePool) -> (any TexturePool)? {
        banks[pool.identity].flatMap { $0.count == pool.count ? $0 : nil }
    }

    /// The pool of `kind` for a (bound) configuration.
    func pool(_ kind: TexturePoolKind, for configuration: Configuration) throws(ConfigurationError) -> CachedTexturePool {
        if kind == .images {
            guard let images else { throw .noImagePool }
            return pools.withLock { pools in
                if let pool = pools["images"] { return pool }
                // A bank of the pool (decoded and resized once, ahead of time) serves the same pixels.
                let pool = cache.pool(wrapping: bank(for: images) ?? images)
                pools["images"] = pool
                return pool
            }
        }
        let seed = UInt64(configuration.textureSeed), count = configuration.textureCount
        let walk = Self.framesPerTexture(kind, configuration) > 1
        let key = "\(kind.rawValue) \(seed) \(count)" + (walk ? " walk \(configuration.walkSigma)" : "")
        if let pool = pools.withLock({ $0[key] }) { return pool }
        let source: any TexturePool
        do throws(TextureError) {
            switch kind {
            case .statistical: source = try StatisticalTexturePool(seed: seed, count: count)
            case .styleganOriented:
                let base = try StyleGANOrientedTexturePool(seed: seed, count: count)
                source = walk ? try StyleGANWalkTexturePool(base: base, sigma: configuration.walkSigma,
                                                            framesPerTexture: Self.framesPerWalk) : base
            case .images: preconditionFailure("handled above")
            }
        } catch {
            throw .invalidValue(field: "textures", value: kind.rawValue, allowed: "a valid pool: \(error)")
        }
        return pools.withLock { pools in
            if let pool = pools[key] { return pool }
            if pools.count >= Self.maxPools, let victim = pools.keys.first(where: { $0 != "images" }) { pools[victim] = nil }
            let pool = cache.pool(wrapping: bank(for: source) ?? source)
            pools[key] = pool
            return pool
        }
    }
}
