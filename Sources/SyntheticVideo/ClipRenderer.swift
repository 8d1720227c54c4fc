/// Renders clips of one configuration: a `[T, H, W, 3]` UInt8 tensor per (seed, frame indices).
/// Holds scratch buffers, so use one renderer per thread; the bytes depend only on the
/// configuration, the seed and the frame indices.
public final class ClipRenderer {
    public let generator: VideoGenerator
    private var frames: FrameRenderer
    /// The full-resolution frame being painted. Frames are painted here and then handed on
    /// (copied into a clip, or fed to a compressor; cropped first when a crop is set): the
    /// painter writes spans all over the frame, and a frame-sized buffer stays in the core's
    /// cache, where a clip (3 MB at 256², 16 frames) does not. Against painting straight into the
    /// clip (accelerating-shapes, 1 thread, 12 alternating pairs): 1.08× when other tenants load
    /// this host's memory, equal otherwise.
    private let scratch: UnsafeMutableRawBufferPointer
    /// With an output crop: the resampler and the cropped frame, which is handed on instead of
    /// `scratch`.
    private let crop: (resampler: MultiScaleCrop, frame: UnsafeMutableRawBufferPointer)?
    /// Set while `render(seed:frameIndices:frames:)` runs, to catch a consumer that reenters it.
    private var isRendering = false

    public init(generator: VideoGenerator) {
        self.generator = generator
        let c = generator.configuration
        frames = FrameRenderer(side: c.resolution)
        if c.crop == .videomaeMultiscale {
            crop = (MultiScaleCrop(inputSide: c.resolution, outputSide: c.cropSize),
                    .allocate(byteCount: c.cropSize * c.cropSize * 3, alignment: 64))
        } else {
            crop = nil
        }
        scratch = .allocate(byteCount: c.resolution * c.resolution * 3, alignment: 64)
    }

    deinit {
        scratch.deallocate()
        crop?.frame.deallocate()
    }

    /// Renders the clip into a new array of `frameIndices.count × side × side × 3` bytes.
    public func render(seed: UInt64, frameIndices: [Int]) throws(TextureError) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: generator.clipByteCount(frames: frameIndices.count))
        var failure: TextureError?
        out.withUnsafeMutableBytes { buffer in
            do throws(TextureError) { try render(seed: seed, frameIndices: frameIndices, into: buffer) } catch { failure = error }
        }
        if let failure { throw failure }
        return out
    }

    /// Renders the clip into `buffer`, which must hold exactly `clipByteCount(frames:)` bytes.
    /// Every byte of the buffer is written (a reused buffer needs no clearing). Throws only when
    /// a texture cannot be loaded (a bank or image file that changed or vanished).
    public func render(seed: UInt64, frameIndices: [Int], into buffer: UnsafeMutableRawBufferPointer) throws(TextureError) {
        precondition(buffer.count == generator.clipByteCount(frames: frameIndices.count), "clip buffer has the wrong size")
        guard var target = buffer.baseAddress else { return }
        try render(seed: seed, frameIndices: frameIndices) { frame in
            target.copyMemory(from: frame.baseAddress!, byteCount: frame.count)
            target += frame.count
        }
    }

    /// Renders the clip frame by frame: `consumer` receives each output frame (`outputSide² × 3`
    /// bytes, valid only during the call) in the order of `frameIndices`. A consumer that
    /// streams (a compressor) reads each frame while it is still in the core's cache, and no
    /// clip buffer is needed. The consumer must not use this renderer (its buffers hold the
    /// frame). Throws only when a texture cannot be loaded.
    public func render(seed: UInt64, frameIndices: [Int],
                       frames consumer: (UnsafeRawBufferPointer) -> Void) throws(TextureError) {
        precondition(!isRendering, "a frame consumer used the renderer that called it")
        isRendering = true
        defer { isRendering = false }
        let c = generator.configuration
        let appearance = try generator.appearance(seed: seed)
        let objects = appearance.staticImage == nil ? generator.sampler.objects(seed: seed) : []
        // Objects that touch the canvas in none of the clip's frames are never visited.
        var candidates: [Int] = []
        if let first = frameIndices.min(), let last = frameIndices.max() {
            candidates = objects.indices.filter {
                objects[$0].mayAppear(frames: first...last, side: c.resolution, circleTransform: c.circleTransform)
            }
        }
        let cropWindow = crop.map {
            $0.resampler.window(for: CounterRandom(scene: generator.sampler.scene, seed: seed, purpose: .crop))
        }
        let output = UnsafeRawBufferPointer(crop?.frame ?? scratch)
        precondition(output.count == c.outputSide * c.outputSide * 3, "output frame has the wrong size")
        let isStatic = c.isStatic || appearance.staticImage != nil
        // The frame index whose pixels `output` holds: a static clip, or an index repeated next
        // to itself, is painted once (a repeat further apart is painted again: same bytes).
        var shown: Int? = nil
        for t in frameIndices {
            if shown == nil || (shown != t && !isStatic) {
                let full = scratch.baseAddress!
                try renderFrame(t, objects: objects, candidates: candidates, appearance: appearance, into: full)
                if let crop, let cropWindow {
                    crop.resampler.resample(UnsafeRawPointer(full), window: cropWindow, into: crop.frame.baseAddress!)
                }
                shown = t
            }
            consumer(output)
        }
    }

    /// One full-resolution frame: the static image, or the objects over the background.
    private func renderFrame(_ t: Int, objects: [SceneObject], candidates: [Int], appearance: ClipAppearance,
                             into target: UnsafeMutableRawPointer) throws(TextureError) {
        let c = generator.configuration
        if let image = appearance.staticImage {
            image.pixels.withUnsafeBytes { target.copyMemory(from: $0.baseAddress!, byteCount: $0.count) }
            return
        }
        try frames.render(objects: objects, candidates: candidates, t: t, configuration: c, appearance: appearance,
                          into: FramePointer(base: target, width: c.resolution, height: c.resolution))
    }
}
