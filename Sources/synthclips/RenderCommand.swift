import ArgumentParser
import Foundation
import SynthClipsService
import SyntheticVideo
import TensorCodec

struct RenderCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "render",
        abstract: "Render one clip: the same bytes the server sends, written locally.",
        discussion: """
            --out FILE.safetensors writes the document as is; FILE.safetensors.zst writes it as one \
            zstd frame. --png DIR writes one PNG per frame; --digest prints the SHA-256 of the \
            uncompressed video tensor.
            """)

    @OptionGroup var options: ConfigurationOptions
    @OptionGroup var textureOptions: TextureOptions

    @Option(help: "The video's seed.")
    var seed: UInt64

    @Option(help: ArgumentHelp("Explicit frame indices, comma-separated.", valueName: "t,t,…"))
    var frames: String?

    @Option(name: .customLong("num-frames"), help: "Frames of the sampled clip (the `frames` field).")
    var numFrames: Int?

    @Option(help: "Stride of the sampled clip (the `stride` field).")
    var stride: Int?

    @Option(help: "Output file: .safetensors or .safetensors.zst.")
    var out: String?

    @Option(help: "Write one PNG per frame into this directory.")
    var png: String?

    @Flag(help: "Print the SHA-256 of the uncompressed video tensor.")
    var digest = false

    @Option(name: .customLong("zstd-level"), parsing: .unconditional, help: "zstd level for .zst output.")
    var zstdLevel: Int32 = Zstd.defaultLevel

    func validate() throws {
        if frames != nil && (numFrames != nil || stride != nil) {
            throw ValidationError("--frames names the frames; it cannot be combined with --num-frames or --stride")
        }
        if out == nil && png == nil && !digest {
            throw ValidationError("nothing to do: give --out FILE, --png DIR or --digest")
        }
        if let out, !(out.hasSuffix(".safetensors") || out.hasSuffix(".safetensors.zst")) {
            throw ValidationError("--out must end in .safetensors or .safetensors.zst, got '\(out)'")
        }
        if !Zstd.levelRange.contains(zstdLevel) {
            throw ValidationError("--zstd-level must be in \(Zstd.levelRange.lowerBound)...\(Zstd.levelRange.upperBound)")
        }
    }

    func run() throws {
        var extra: [(name: String, value: String)] = []
        if let numFrames { extra.append(("frames", String(numFrames))) }
        if let stride { extra.append(("stride", String(stride))) }
        let (stage, configuration) = try options.resolve(extra: extra)
        let generator = try VideoGenerator(configuration: configuration, textures: textureOptions.library())
        let indices = try frames.map(Self.parseFrames) ?? generator.sampledFrameIndices(seed: seed)
        try generator.validate(frameIndices: indices)

        let document = try ClipDocument.render(stage: stage.id, generator: generator, seeds: [seed],
                                               frameIndices: { _ in indices })
        let video = document.bytes[document.videoRange]

        if let out {
            let bytes = out.hasSuffix(".zst")
                ? try ZstdCompressor(level: zstdLevel).compress(document.bytes) : document.bytes
            try Data(bytes).write(to: URL(fileURLWithPath: out), options: .atomic)
        }
        if let png {
            try FileManager.default.createDirectory(atPath: png, withIntermediateDirectories: true)
            let side = generator.configuration.outputSide, frameBytes = side * side * 3
            for (k, t) in indices.enumerated() {
                let start = video.startIndex + k * frameBytes
                let encoded = try PNG.encodeRGB(Array(video[start..<(start + frameBytes)]), width: side, height: side)
                let name = String(format: "frame-%02d-t%04d.png", k, t)
                try Data(encoded).write(to: URL(fileURLWithPath: png).appendingPathComponent(name))
            }
        }
        if digest {
            print(sha256Hex(Array(video)))
        }
    }

    /// "0,4,8" → [0, 4, 8]; anything else is an error that names the bad element.
    static func parseFrames(_ text: String) throws -> [Int] {
        try text.split(separator: ",", omittingEmptySubsequences: false).map { part in
            guard let t = Int(part.trimmingCharacters(in: .whitespaces)) else {
                throw ConfigurationError.invalidFrames("'\(part)' in '\(text)' is not a frame index (expected t,t,… with integers)")
            }
            return t
        }
    }
}
