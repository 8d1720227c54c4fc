/// Renders clips of one configuration: a `[T, H, W, 3]` UInt8 tensor per (seed, frame indices).
/// Holds scratch buffers, so use one renderer per thread; the bytes depend only on the
/// configuration, the seed and the frame indices.
public final class ClipRenderer {
    public let generator: VideoGenerator
    private var frames: FrameRenderer
    private var crop: MultiScaleCrop?
    /// Full-resolution scratch frame, used only when an output crop is configured.
    private var scratch: [UInt8]

    public init(generator: VideoGenerator) {
        self.generator = generator
        let c = generator.configuration
        frames = FrameRenderer(side: c.resolution)
        if c.crop == .videomaeMultiscale {
            crop = MultiScaleCrop(inputSide: c.resolution, outputSide: c.cropSize)
            scratch = Array(repeating: 0, count: c.resolution * c.resolution * 3)
        } else {
            scratch = []
        }
    }

    public convenience init(configuration: Configuration) {
        self.init(generator: VideoGenerator(configuration: configuration))
    }

    /// Renders the clip into a new array of `frameIndices.count × side × side × 3` bytes.
    public func render(seed: UInt64, frameIndices: [Int]) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: generator.clipByteCount(frames: frameIndices.count))
        out.withUnsafeMutableBytes { render(seed: seed, frameIndices: frameIndices, into: $0) }
        return out
    }

    /// Renders the clip into `buffer`, which must hold exactly `clipByteCount(frames:)` bytes.
    /// Every byte of the buffer is written (a reused buffer needs no clearing).
    public func render(seed: UInt64, frameIndices: [Int], into buffer: UnsafeMutableRawBufferPointer) {
        let c = generator.configuration
        let side = c.outputSide
        let frameBytes = side * side * 3
        precondition(buffer.count == frameBytes * frameIndices.count, "clip buffer has the wrong size")
        guard let base = buffer.baseAddress else { return }
        let objects = generator.sampler.objects(seed: seed)
        let background = generator.background(seed: seed)
        let cropWindow = crop.map { $0.window(for: CounterRandom(scene: generator.sampler.scene, seed: seed, purpose: .crop)) }

        for (k, t) in frameIndices.enumerated() {
            let target = base + k * frameBytes
            // A frame equal to an earlier one (a static video, or a repeated index) is copied.
            if let earlier = frameIndices[..<k].firstIndex(where: { c.isStatic || $0 == t }) {
                target.copyMemory(from: base + earlier * frameBytes, byteCount: frameBytes)
                continue
            }
            if let crop, let cropWindow {
                scratch.withUnsafeMutableBytes { full in
                    let fullBase = full.baseAddress!
                    frames.render(objects: objects, t: t, configuration: c, background: background,
                                  into: FramePointer(base: fullBase, width: c.resolution))
                    crop.resample(UnsafeRawPointer(fullBase), window: cropWindow, into: target)
                }
            } else {
                frames.render(objects: objects, t: t, configuration: c, background: background,
                              into: FramePointer(base: target, width: side))
            }
        }
    }
}
