/// A configuration compiled for rendering: its hash, scene digest and radius table, plus the
/// per-video draws (duration, clip start, background). Immutable and shareable across threads;
/// each thread renders with its own `ClipRenderer`.
public struct VideoGenerator: Sendable {
    public let configuration: Configuration
    /// Hex SHA-256 of the canonical configuration.
    public let configurationHash: String
    let sampler: SceneSampler

    public init(configuration: Configuration) {
        self.configuration = configuration
        self.configurationHash = configuration.hash
        self.sampler = SceneSampler(configuration: configuration)
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
        return RGB(UInt8(rng.unit(0) * 255), UInt8(rng.unit(1) * 255), UInt8(rng.unit(2) * 255))
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
