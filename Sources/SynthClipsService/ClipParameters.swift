import SyntheticVideo

/// What a clip-carrying request asks for: a configuration (a stage or a registered configuration
/// hash, plus query overrides) and which frames of each video to render.
struct ClipParameters: Sendable {
    /// How the frame indices of a clip are chosen.
    enum Frames: Sendable, Equatable {
        /// From the seed, like VideoMAE's sampler (`frames`, `stride` of the configuration).
        case sampled
        /// `start`, `start + stride`, … (`frames` of them).
        case strided(start: Int)
        /// Named explicitly (`frame_indices=0,4,8`).
        case explicit([Int])
    }

    /// The stage id or configuration hash as named in the path.
    let stage: String
    let generator: VideoGenerator
    let frames: Frames

    init(stage: String, generator: VideoGenerator, frames: Frames) {
        self.stage = stage
        self.generator = generator
        self.frames = frames
    }

    /// Query names that are not configuration fields.
    static let reservedNames: Set<String> = [
        "start", "frame_indices", "batch_size", "start_seed", "run", "start_index", "count", "rank", "world_size",
    ]

    /// Parses the stage and the query. Unknown query names are errors (a typo must not silently
    /// render the default clip), except the `reserved` names the route itself reads.
    init(stage: String, query: [(name: String, value: String)], resolve: (String) throws -> Configuration,
         textures: TextureLibrary, routeParameters: Set<String> = []) throws {
        self.stage = stage
        var configuration = try resolve(stage)
        var overrides: [(name: String, value: String)] = []
        var start: Int?
        var explicit: [Int]?
        var seen = Set<String>()
        for (name, value) in query {
            guard seen.insert(name).inserted else {
                throw Problem.badParameter(name, "parameter '\(name)' is given more than once")
            }
            switch name {
            case "start":
                guard let s = Int(value), (0...VideoGenerator.maxFrameIndex).contains(s) else {
                    throw Problem.badParameter("start", "start must be a frame index, got '\(value)'",
                                               allowed: "0...\(VideoGenerator.maxFrameIndex)")
                }
                start = s
            case "frame_indices":
                let parts = value.split(separator: ",", omittingEmptySubsequences: false)
                var indices: [Int] = []
                for part in parts {
                    guard let t = Int(part) else {
                        throw Problem.badParameter("frame_indices", "'\(part)' in '\(value)' is not a frame index",
                                                   allowed: "1...256 comma-separated integers in 0...\(VideoGenerator.maxFrameIndex)")
                    }
                    indices.append(t)
                }
                explicit = indices
            case _ where routeParameters.contains(name):
                continue
            default:
                guard Configuration.field(named: name) != nil else {
                    throw Problem.badParameter(name, "unknown parameter '\(name)'",
                                               allowed: "configuration fields (\(Configuration.fieldNames.joined(separator: ", "))) or \(Self.reservedNames.intersection(routeParameters.union(["start", "frame_indices"])).sorted().joined(separator: ", "))")
                }
                overrides.append((name, value))
            }
        }
        if explicit != nil && (start != nil || seen.contains("frames") || seen.contains("stride")) {
            throw Problem.badParameter("frame_indices", "frame_indices names the frames; it cannot be combined with frames, stride or start")
        }
        do {
            configuration = try configuration.applying(overrides: overrides)
        } catch {
            throw Problem(error)
        }
        do { generator = try VideoGenerator(configuration: configuration, textures: textures) } catch {
            throw Problem(error)
        }
        if let explicit {
            do { try generator.validate(frameIndices: explicit) } catch { throw Problem(error, parameter: "frame_indices") }
            frames = .explicit(explicit)
        } else if let start {
            let last = start + (configuration.frames - 1) * configuration.stride
            guard last <= VideoGenerator.maxFrameIndex else {
                throw Problem.badParameter("start", "the clip's last frame \(last) is beyond \(VideoGenerator.maxFrameIndex)",
                                           allowed: "start + (frames − 1)·stride ≤ \(VideoGenerator.maxFrameIndex)")
            }
            frames = .strided(start: start)
        } else {
            frames = .sampled
        }
    }

    /// Frames per clip.
    var frameCount: Int {
        if case .explicit(let indices) = frames { return indices.count }
        return generator.configuration.frames
    }

    func frameIndices(seed: UInt64) -> [Int] {
        switch frames {
        case .sampled: return generator.sampledFrameIndices(seed: seed)
        case .strided(let start): return (0..<frameCount).map { start + $0 * generator.configuration.stride }
        case .explicit(let indices): return indices
        }
    }

    /// A canonical description of the frame choice, for ETags and provenance.
    var framesDescription: String {
        switch frames {
        case .sampled: return "sampled:\(generator.configuration.frames)x\(generator.configuration.stride)"
        case .strided(let start): return "from:\(start):\(generator.configuration.frames)x\(generator.configuration.stride)"
        case .explicit(let indices): return indices.map(String.init).joined(separator: ",")
        }
    }
}
