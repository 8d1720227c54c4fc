/// A configuration compiled for rendering: its hash, scene digest, radius table and texture
/// pools, plus the per-video draws (duration, clip start, background, static image). Immutable
/// and shareable across threads; each thread renders with its own `ClipRenderer`.
public struct VideoGenerator: Sendable {
    /// The configuration as rendered (`imagePool` filled in when it uses images).
    public let configuration: Configuration
    /// Hex SHA-256 of the canonical configuration.
    public let configurationHash: String
    let sampler: SceneSampler
    /// nil when the configuration takes no pixels from textures or images.
    let textures: TextureSources?

    /// Positions of the per-video appearance draws in the `.video` stream.
    private enum VideoDraw: UInt64 {
        case red = 0, green, blue, backgroundImage, staticShare, staticImage
    }

    /// Compiles `configuration`; textures and images come from `library` (by default a shared
    /// library of procedural pools). Fails when the configuration uses images the library lacks.
    public init(configuration: Configuration, textures library: TextureLibrary = .procedural) throws(ConfigurationError) {
        // A static scene is painted once and its frame repeated, which would freeze a latent walk.
        // Refused rather than served frozen; animating it changes output, so it waits for a
        // generator-version bump.
        if configuration.isStatic && configuration.textureDynamics == .latentWalk
            && configuration.textures.contains(.styleganOriented) {
            throw .invalidValue(field: "textureDynamics", value: TextureDynamics.latentWalk.rawValue,
                                allowed: "\(TextureDynamics.static.rawValue) when no object moves (speed, acceleration, "
                                    + "rotationSpeed, scaleSpeed and shearSpeed all 0): a latent walk needs a moving scene")
        }
        let bound = try library.bind(configuration)
        self.configuration = bound
        self.configurationHash = bound.hash
        self.sampler = SceneSampler(configuration: bound)
        let textured = !bound.textures.isEmpty || bound.usesImages
        self.textures = textured ? try TextureSources(configuration: bound, library: library) : nil
    }

    private func stream(_ purpose: RandomPurpose, _ seed: UInt64) -> CounterRandom {
        CounterRandom(scene: sampler.scene, seed: seed, purpose: purpose)
    }

    /// The video's duration in frames, U{duration} (§6.1, on-the-fly generator: U{100..200}).
    public func duration(seed: UInt64) -> Int {
        stream(.clip, seed).integer(0, in: configuration.duration)
    }

    /// The frames of the default clip: `frames` indices with stride `stride` from a start drawn
    /// uniformly in 0...max(0, D − frames·stride) (VideoMAE's sampler: start U{0..D−64} for 16×4).
    public func sampledFrameIndices(seed: UInt64) -> [Int] {
        let c = configuration
        let last = max(0, duration(seed: seed) - c.frames * c.stride)
        let start = stream(.clip, seed).integer(1, in: 0...last)
        return (0..<c.frames).map { start + $0 * c.stride }
    }

    /// The background colour of the video (black unless `background` is `random-color`).
    public func background(seed: UInt64) -> RGB {
        guard configuration.background == .randomColor else { return .black }
        let rng = stream(.video, seed)
        return RGB(UInt8(rng.unit(VideoDraw.red.rawValue) * 255), UInt8(rng.unit(VideoDraw.green.rawValue) * 255),
                   UInt8(rng.unit(VideoDraw.blue.rawValue) * 255))
    }

    /// Whether the seed's clip is one pool image repeated (the static-image share, D11).
    public func isStaticImage(seed: UInt64) -> Bool {
        configuration.staticImageShare > 0
            && stream(.video, seed).unit(VideoDraw.staticShare.rawValue) < configuration.staticImageShare
    }

    /// Every texture and image the clip of `seed` with these frames may load, without loading
    /// any: lets a server find the ones not yet in memory. An object counts at the frames where
    /// its box meets the canvas (the renderer loads a subset: the objects it actually paints).
    public func textureLoads(seed: UInt64, frames: [Int]) -> Set<TextureLoad> {
        guard let textures else { return [] }
        let images = imagePicks(seed: seed)
        if let whole = images.staticImage { return [whole] }
        var loads = Set<TextureLoad>()
        if let background = images.background { loads.insert(background) }
        if !configuration.textures.isEmpty {
            let side = configuration.resolution
            for index in 0..<configuration.objects {
                let object = sampler.object(seed: seed, index: index)
                let seen = frames.filter { t in
                    object.pose(at: t, resolution: side)
                        .flatMap { object.reachBox($0, circleTransform: configuration.circleTransform) }?
                        .clipped(width: side, height: side) != nil
                }
                guard let first = seen.first else { continue }
                let u = sampler.textureUniform(seed: seed, index: index)
                for t in textures.walks ? seen : [first] { loads.insert(textures.objectPick(uniform: u, frame: t)) }
            }
        }
        return loads
    }

    /// The pool images a clip shows: one for the whole clip (the static-image share) or one
    /// behind its objects (background `image`).
    private func imagePicks(seed: UInt64) -> (staticImage: TextureLoad?, background: TextureLoad?) {
        guard let textures, configuration.usesImages else { return (nil, nil) }
        let rng = stream(.video, seed)
        if isStaticImage(seed: seed) {
            return (textures.imagePick(uniform: rng.unit(VideoDraw.staticImage.rawValue)), nil)
        }
        guard configuration.background == .image else { return (nil, nil) }
        return (nil, textures.imagePick(uniform: rng.unit(VideoDraw.backgroundImage.rawValue)))
    }

    /// The clip's appearance: background, textures, static image.
    func appearance(seed: UInt64) throws(TextureError) -> ClipAppearance {
        let c = configuration
        var appearance = ClipAppearance(background: background(seed: seed), tint: c.textureTint == .saturate)
        guard let textures else { return appearance }
        let images = imagePicks(seed: seed)
        if let whole = images.staticImage {
            appearance.staticImage = try whole.load(side: c.resolution)
            return appearance
        }
        appearance.backgroundImage = try images.background?.load(side: c.resolution)
        if !c.textures.isEmpty {
            appearance.objectTextures = ObjectTextures(sources: textures, sampler: sampler, seed: seed, objects: c.objects)
        }
        return appearance
    }

    /// The largest frame index a request may name.
    public static let maxFrameIndex = 9_999

    /// Checks explicit frame indices: 1...256 of them, each in 0...maxFrameIndex, within the clip
    /// size limit. The motion is closed-form in t, so any index is a valid frame of the video.
    public func validate(frameIndices: [Int]) throws(ConfigurationError) {
        guard !frameIndices.isEmpty else { throw .invalidFrames("at least one frame index is required") }
        guard frameIndices.count <= 256 else { throw .invalidFrames("at most 256 frames per clip, got \(frameIndices.count)") }
        if let bad = frameIndices.first(where: { !(0...Self.maxFrameIndex).contains($0) }) {
            throw .invalidFrames("frame index \(bad) is outside 0...\(Self.maxFrameIndex)")
        }
        let side = configuration.outputSide
        if frameIndices.count * side * side * 3 > Configuration.maxClipBytes {
            throw .invalidFrames("\(frameIndices.count) frames of \(side)×\(side) exceed \(Configuration.maxClipBytes) bytes")
        }
    }

    /// Bytes of a clip with `frames` frames: frames × side × side × 3.
    public func clipByteCount(frames: Int) -> Int {
        let side = configuration.outputSide
        return frames * side * side * 3
    }
}

extension VideoGenerator {
    /// Loads every texture and image the configuration can use into the library's cache, on
    /// `threads` threads (of a walking pool, frame 0 of each texture: all its frames would be
    /// 10 000 per texture); answers how many, or nil when the configuration uses none.
    /// `progress` hears (done, total) after each batch of `8 · threads` textures.
    public func warmTextures(threads: Int, progress: (Int, Int) -> Void = { _, _ in }) throws(TextureError) -> Int? {
        guard let textures else { return nil }
        // The images pool once, whether objects, backgrounds or static clips use it.
        let images = textures.images.flatMap { pool in textures.objectPools.contains { $0.key == pool.key } ? nil : pool }
        let pools = textures.objectPools + (images.map { [$0] } ?? [])
        let frames = textures.framesPerTexture + (images == nil ? [] : [1])
        let ids = pools.indices.flatMap { p in stride(from: 0, to: pools[p].count, by: frames[p]).map { (p, $0) } }
        let batch = 8 * Swift.max(1, threads)
        for start in stride(from: 0, to: ids.count, by: batch) {
            let slice = Array(ids[start..<Swift.min(ids.count, start + batch)])
            let results = parallelMap(slice, threads: threads) { (p, id) in
                Result { () throws(TextureError) in _ = try pools[p].sampling(id) }
            }
            for result in results { try result.get() }
            progress(start + slice.count, ids.count)
        }
        return ids.count
    }
}
