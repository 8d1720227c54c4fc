import ArgumentParser
import Dispatch
import Foundation
import SyntheticVideo
import TextureStore

struct TexturesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "textures",
        abstract: "Procedural texture pools: build banks ahead of time.",
        subcommands: [BuildCommand.self, ManifestCommand.self])

    struct BuildCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "build",
            abstract: "Write textures 0..<COUNT of a pool to a bank directory.",
            discussion: """
                A procedural bank stands in for the pool of a configuration with the same \
                textureSeed and textureCount; an images bank (`images --images DIR`, every image \
                decoded and resized once) for that images directory, as long as its manifest is \
                unchanged (serve/render/bench --texture-bank DIR). Clips are byte-identical either \
                way. Prints progress to stderr and the bank manifest's SHA-256 at the end.
                """)

        @Argument(help: "statistical, stylegan-oriented or images.")
        var pool: String

        @Option(help: "Number of textures: the configuration's textureCount (images: default, every image).")
        var count: Int?

        @Option(help: "The images directory (for `images`).")
        var images: String?

        @Option(help: "The configuration's textureSeed.")
        var seed: Int = 0

        @Option(help: "Output directory (created if needed).")
        var out: String

        @Option(help: "Threads (default: one per core).")
        var threads: Int = ProcessInfo.processInfo.activeProcessorCount

        func validate() throws {
            if let count, !(1...1_000_000).contains(count) {
                throw ValidationError("--count must be in 1...1000000 (textureCount's range)")
            }
            guard (0...2_147_483_647).contains(seed) else { throw ValidationError("--seed must be in 0...2147483647 (textureSeed's range)") }
            guard (1...256).contains(threads) else { throw ValidationError("--threads must be in 1...256") }
        }

        func run() throws {
            guard let kind = TexturePoolKind(rawValue: pool) else {
                throw ValidationError("pool must be statistical, stylegan-oriented or images, got '\(pool)'")
            }
            let source: any TexturePool
            switch (kind, images, self.count) {
            case (.images, let directory?, _):
                let images = try ImageDirectoryPool(directory: directory, threads: threads)
                warn(images.skippedReport)
                source = images
            case (.statistical, nil, let count?):
                source = try StatisticalTexturePool(seed: UInt64(seed), count: count)
            case (.styleganOriented, nil, let count?):
                source = try StyleGANOrientedTexturePool(seed: UInt64(seed), count: count)
            case (.images, nil, _), (_, _?, _):
                throw ValidationError("--images DIR goes with the images pool, and only with it")
            default:
                throw ValidationError("--count is required for procedural pools")
            }
            let count = self.count ?? source.count
            guard count <= source.count else { throw ValidationError("--count \(count) exceeds the pool's \(source.count) images") }
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
            let pool = try ImageDirectoryPool(directory: directory)
            warn(pool.skippedReport)
            print(JSONValue.object(["manifest": pool.manifest, "sha256": .string(pool.manifestHash)]).canonicalText)
        }
    }
}
