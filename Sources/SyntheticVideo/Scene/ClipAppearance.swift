/// What a clip's pixels are made of besides geometry: the background (a colour or an image),
/// the objects' textures (fetched on first use, so objects never seen cost nothing), the tint
/// rule, and, for the static-image share, the one image the whole clip shows.
struct ClipAppearance {
    var background = RGB.black
    /// A res×res image behind the objects (background `image`).
    var backgroundImage: Texture?
    /// A res×res image that is every frame of the clip (the static-image share).
    var staticImage: Texture?
    var objectTextures: ObjectTextures?
    var tint = false
}

/// The textures of one clip's objects, picked per object from the union of the configuration's
/// pools and fetched on first use (a walking texture once per frame). One per clip, used by one
/// thread.
final class ObjectTextures {
    private let sources: TextureSources
    private let sampler: SceneSampler
    private let seed: UInt64
    private var memo: [(frame: Int, texture: SamplingTexture)?]

    init(sources: TextureSources, sampler: SceneSampler, seed: UInt64, objects: Int) {
        self.sources = sources
        self.sampler = sampler
        self.seed = seed
        memo = Array(repeating: nil, count: objects)
    }

    /// Object `index`'s texture at frame t.
    func texture(_ index: Int, frame t: Int) throws(TextureError) -> SamplingTexture {
        if let entry = memo[index], entry.frame == t || !sources.walks { return entry.texture }
        let load = sources.objectPick(uniform: sampler.textureUniform(seed: seed, index: index), frame: t)
        let texture = try load.pool.sampling(load.id)
        memo[index] = (t, texture)
        return texture
    }
}

/// The pools a generator draws textures and images from, resolved once per configuration.
struct TextureSources: Sendable {
    /// The object pools in configuration order, the frames each texture has (1, or every frame
    /// index for a walking pool), and the first union id of each.
    let objectPools: [CachedTexturePool]
    let framesPerTexture: [Int]
    let firstIDs: [Int]
    /// Textures in the union of the object pools (each pool weighs its size, D11).
    let unionCount: Int
    let images: CachedTexturePool?
    /// Whether some object texture changes from frame to frame.
    let walks: Bool

    init(configuration: Configuration, library: TextureLibrary) throws(ConfigurationError) {
        var pools = [CachedTexturePool]()
        for kind in configuration.textures { pools.append(try library.pool(kind, for: configuration)) }
        objectPools = pools
        let frames = configuration.textures.map { TextureLibrary.framesPerTexture($0, configuration) }
        framesPerTexture = frames
        let sizes = zip(pools, frames).map { $0.count / $1 }
        firstIDs = sizes.reduce(into: [0]) { $0.append($0.last! + $1) }.dropLast()
        unionCount = sizes.reduce(0, +)
        walks = frames.contains { $0 > 1 }
        images = configuration.usesImages ? try library.pool(.images, for: configuration) : nil
    }

    /// The object texture a uniform u ∈ [0, 1) picks (union texture ⌊u·count⌋), at frame t.
    func objectPick(uniform u: Double, frame t: Int) -> TextureLoad {
        let id = Swift.min(Int(u * Double(unionCount)), unionCount - 1)
        let pool = firstIDs.lastIndex { $0 <= id }!
        let frames = framesPerTexture[pool]
        return TextureLoad(pool: objectPools[pool], id: (id - firstIDs[pool]) * frames + (frames > 1 ? t : 0))
    }

    /// The image a uniform picks from the images pool.
    func imagePick(uniform u: Double) -> TextureLoad {
        guard let images else { preconditionFailure("the configuration uses no images") }
        return TextureLoad(pool: images, id: Swift.min(Int(u * Double(images.count)), images.count - 1))
    }
}

/// One texture a clip may load: pool and id.
public struct TextureLoad: Sendable, Hashable {
    public let pool: CachedTexturePool
    public let id: Int

    public static func == (a: TextureLoad, b: TextureLoad) -> Bool { a.pool.key == b.pool.key && a.id == b.id }
    public func hash(into hasher: inout Hasher) {
        hasher.combine(pool.key)
        hasher.combine(id)
    }

    /// Loads it (into the cache).
    public func load() throws(TextureError) { _ = try pool.sampling(id) }

    /// `loads` in the order that generates them cheapest: pool by pool, ids ascending. A
    /// StyleGAN-Oriented pool builds one generator (~0.25 s) per 400 ids and keeps the last two,
    /// so ids in hash order rebuilt one for about every third texture (~0.01 s each).
    public static func generationOrder(_ loads: some Sequence<TextureLoad>) -> [TextureLoad] {
        loads.sorted { ($0.pool.key, $0.id) < ($1.pool.key, $1.id) }
    }

    /// The texture nearest-resized to side × side (an image shown on the whole canvas).
    func load(side: Int) throws(TextureError) -> Texture {
        try pool.texture(id).nearestResized(width: side, height: side)
    }
}
