import ArgumentParser
import Foundation
import SyntheticVideo
import TextureStore

/// The stage and the `--set field=value` overrides shared by `render` and friends.
struct ConfigurationOptions: ParsableArguments {
    @Argument(help: "Stage id (see `synthclips stages`).")
    var stage: String

    @Option(name: .customLong("set"), parsing: .singleValue,
            help: ArgumentHelp("Override a configuration field (repeatable).", valueName: "field=value"))
    var overrides: [String] = []

    /// The stage's configuration with the overrides applied (and `extra` after them).
    func resolve(extra: [(name: String, value: String)] = []) throws -> (stage: Stage, configuration: Configuration) {
        let stage = try Stage.named(self.stage)
        var pairs: [(name: String, value: String)] = []
        for text in overrides {
            guard let eq = text.firstIndex(of: "="), eq != text.startIndex else {
                throw ValidationError("--set expects field=value, got '\(text)'")
            }
            pairs.append((String(text[..<eq]), String(text[text.index(after: eq)...])))
        }
        return (stage, try stage.configuration.applying(overrides: pairs + extra))
    }
}

/// Where textures and images come from (render, bench).
struct TextureOptions: ParsableArguments {
    @Option(help: "Directory of PNG/JPEG images: the images pool (stage 8, image backgrounds, static images).")
    var images: String?

    @Option(name: .customLong("texture-bank"), help: "A texture bank written by `synthclips textures build` (repeatable).")
    var textureBanks: [String] = []

    @Option(name: .customLong("texture-cache-mb"), help: "Memory for cached textures, in MiB (512 KiB per 256×256 texture).")
    var textureCacheMB: Int = 2048

    func validate() throws {
        guard (0...1 << 20).contains(textureCacheMB) else { throw ValidationError("--texture-cache-mb must be in 0...1048576") }
    }

    /// The library, after writing its `warnings` on stderr (skipped image files, images banks it
    /// will not read), which `serve` logs at start.
    func library() throws -> TextureLibrary {
        let library = try TextureLibrary.load(images: images, banks: textureBanks, cacheBytes: textureCacheMB << 20,
                                               threads: ProcessInfo.processInfo.activeProcessorCount)
        warn(library.warnings)
        return library
    }
}

/// Writes each line on stderr (what `serve` logs at start as warnings: skipped image files,
/// unused banks).
func warn(_ lines: [String]) {
    for line in lines { FileHandle.standardError.write(Data("synthclips: \(line)\n".utf8)) }
}
