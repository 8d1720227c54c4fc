import Foundation
@testable import SyntheticVideo

/// Renders the default (seed-sampled) clip of a configuration.
func renderSampledClip(_ configuration: Configuration, seed: UInt64) -> (frames: [Int], bytes: [UInt8]) {
    // Test configurations are valid and untextured or procedural; a failure is a test bug.
    let generator = try! VideoGenerator(configuration: configuration)
    let frames = generator.sampledFrameIndices(seed: seed)
    return (frames, try! ClipRenderer(generator: generator).render(seed: seed, frameIndices: frames))
}

func preset(_ id: String) -> Configuration {
    // Stage ids used in tests are constants; a missing one is a test bug.
    try! Stage.named(id).configuration
}

/// The golden clips shared with the end-to-end tests (which check the release binary against the
/// same file): Tests/SyntheticVideoTests/Goldens/clips.json.
struct GoldenClip: Decodable, Sendable, CustomStringConvertible {
    let stage: String
    let seed: UInt64
    let overrides: [String: String]?
    let sha256: String

    var description: String {
        "\(stage) seed \(seed)" + (overrides.map { " \($0.sorted { $0.key < $1.key })" } ?? "")
    }

    static let all: [GoldenClip] = {
        struct File: Decodable { let generator_version: Int; let clips: [GoldenClip] }
        let url = Bundle.module.url(forResource: "clips", withExtension: "json", subdirectory: "Goldens")!
        let file = try! JSONDecoder().decode(File.self, from: Data(contentsOf: url))
        precondition(file.generator_version == GeneratorVersion.current,
                     "goldens are for generator version \(file.generator_version); bump them with the version")
        return file.clips
    }()

    var configuration: Configuration {
        try! preset(stage).applying(overrides: (overrides ?? [:]).sorted { $0.key < $1.key }.map { ($0.key, $0.value) })
    }
}
