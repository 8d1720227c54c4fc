import ArgumentParser
import Dispatch
import Foundation
import SynthClipsService
import SyntheticVideo

struct TexturesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "textures",
        abstract: "Procedural texture pools: build banks ahead of time.",
        subcommands: [BuildCommand.self, ManifestCommand.self])

    struct BuildCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "build",
            abstract: "Write textures 0..<COUNT of a procedural pool to a bank directory.",
            discussion: """
                The bank stands in for the pool of a configuration with the same textureSeed and \
                textureCount (serve/render/bench --texture-bank DIR): clips are byte-identical to \
                generating on demand. Prints progress to stderr and the manifest's SHA-256 at the end.
                """)

        @Argument(help: "statistical or stylegan-oriented.")
        var pool: String

        @Option(help: "Number of textures: the configuration's textureCount.")
        var count: Int

        @Option(help: "The configuration's textureSeed.")
        var seed: Int = 0

        @Option(help: "Output directory (created if needed).")
        var out: String

        @Option(help: "Threads (default: one per core).")
        var threads: Int = ProcessInfo.processInfo.activeProcessorCount

        func validate() throws {
            guard (1...1_000_000).contains(count) else { throw ValidationError("--count must be in 1...1000000 (textureCount's range)") }
            guard (0...2_147_483_647).contains(seed) else { throw ValidationError("--seed must be in 0...2147483647 (textureSeed's range)") }
            guard (1...256).contains(threads) else { throw ValidationError("--threads must be in 1...256") }
        }

        func run() throws {
            guard let kind = TexturePoolKind(rawValue: pool), kind != .images else {
                throw ValidationError("pool must be statistical or stylegan-oriented, got '\(pool)'")
            }
            let source: any TexturePool = kind == .statistical
                ? try StatisticalTexturePool(seed: UInt64(seed), count: count)
                : try StyleGANOrientedTexturePool(seed: UInt64(seed), count: count)
            let start = DispatchTime.now().uptimeNanoseconds
            let digest = try TextureBank.write(source, count: count, to: out, threads: threads) { done in
                let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
                let line = String(format: "\r%d/%d textures, %.1f s, %.1f ms per texture per thread", done, count, seconds,
                                  seconds * 1e3 * Double(threads) / Double(done))
                FileHandle.standardError.write(Data(line.utf8))
            }
            FileHandle.standardError.write(Data("\n".utf8))
            print("manifest sha256 \(digest)")
        }
    }

    struct ManifestCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "manifest",
            abstract: "Print the manifest of an images directory: its files in pool order, the files skipped and why, and its hash.",
            discussion: "The hash is what a configuration that uses the pool records as imagePool.")

        @Argument(help: "Directory of PNG and JPEG images.")
        var directory: String

        func run() throws {
            let pool = try ImageDirectoryPool(directory: directory, decoder: ImageFileDecoder())
            print(JSONValue.object(["manifest": pool.manifest, "sha256": .string(pool.manifestHash)]).canonicalText)
        }
    }
}
