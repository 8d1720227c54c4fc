import ArgumentParser
import Dispatch
import Foundation
import Synchronization
import SyntheticVideo
import TensorCodec

struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure render and compression throughput per stage.",
        discussion: """
            For each stage, N threads render clips (seeds 0, 1, 2, …; each thread its own renderer) \
            for the given time: clips/s, raw MB/s and ms per clip (p50, p90). Then one thread \
            compresses a sample of the clips at the zstd level: ratio and MB/s. \
            render_compress_clips_per_second is N / (mean render + mean compress time per clip), \
            the rate of a pool that renders and compresses every clip. With --rounds N, the \
            stages are measured in turn N times and each reports its median round (the speed of a \
            shared machine drifts within minutes; alternating keeps comparisons between stages fair).
            """)

    static let defaultStages = ["static-circles", "moving-circles", "moving-shapes", "transforming-shapes",
                                "accelerating-shapes"]

    @Option(name: .customLong("stage"), help: "Stage to measure (repeatable; default: the five shape stages).")
    var stages: [String] = []

    @Option(help: "Rendering threads (default: one per core).")
    var threads: Int = ProcessInfo.processInfo.activeProcessorCount

    @Option(help: "Seconds of rendering per stage (default: 3).")
    var seconds: Double?

    @Option(help: "Render exactly this many clips per thread instead of for --seconds: a fixed workload, for profilers.")
    var clips: Int?

    @Option(help: "Measure the stages in turn this many times and report each one's median round (default: 1).")
    var rounds: Int = 1

    @Option(name: .customLong("zstd-level"), parsing: .unconditional, help: "zstd level for the compression figures.")
    var zstdLevel: Int32 = Zstd.defaultLevel

    @Option(name: .customLong("set"), parsing: .singleValue,
            help: ArgumentHelp("Override a configuration field for every stage (repeatable).", valueName: "field=value"))
    var overrides: [String] = []

    @Flag(help: "Print one JSON object with a `stages` array.")
    var json = false

    @OptionGroup var textureOptions: TextureOptions

    func validate() throws {
        guard threads >= 1 && threads <= 256 else { throw ValidationError("--threads must be in 1...256") }
        if let seconds, !(seconds > 0 && seconds <= 3600) { throw ValidationError("--seconds must be in (0, 3600]") }
        if let clips, !(1...1_000_000).contains(clips) { throw ValidationError("--clips must be in 1...1000000") }
        if seconds != nil && clips != nil { throw ValidationError("--seconds and --clips exclude each other") }
        guard (1...100).contains(rounds) else { throw ValidationError("--rounds must be in 1...100") }
        guard Zstd.levelRange.contains(zstdLevel) else {
            throw ValidationError("--zstd-level must be in \(Zstd.levelRange.lowerBound)...\(Zstd.levelRange.upperBound)")
        }
    }

    func run() throws {
        let library = try textureOptions.library()
        var generators: [(stage: String, generator: VideoGenerator)] = []
        for id in stages.isEmpty ? Self.defaultStages : stages {
            let options = try ConfigurationOptions.parse([id] + overrides.flatMap { ["--set", $0] })
            let (stage, configuration) = try options.resolve()
            generators.append((stage.id, try VideoGenerator(configuration: configuration, textures: library)))
        }
        var rounds = [[StageResult]](repeating: [], count: generators.count)
        for round in 1...self.rounds {
            for (index, (stage, generator)) in generators.enumerated() {
                if round == 1, let warm = try warmUp(generator), !json { print(warm) }
                let result = try measure(stage: stage, generator: generator)
                if !json { print(self.rounds > 1 ? "round \(round)/\(self.rounds): \(result.text)" : result.text) }
                rounds[index].append(result)
            }
        }
        // Each stage's median round (the lower one of an even count).
        let medians = rounds.map { $0.sorted { $0.clipsPerSecond < $1.clipsPerSecond }[($0.count - 1) / 2] }
        if !json && self.rounds > 1 {
            for (median, all) in zip(medians, rounds) {
                print("median of \(self.rounds): \(median.text)  (rounds: "
                      + all.map { String(format: "%.1f", $0.clipsPerSecond) }.joined(separator: ", ") + ")")
            }
        }
        let results: [JSONValue] = zip(medians, rounds).map { median, all in
            guard case .object(var fields) = median.json else { return median.json }
            fields["rounds"] = .array(all.map { .number(($0.clipsPerSecond * 1000).rounded() / 1000) })
            return .object(fields)
        }
        if json {
            print(JSONValue.object([
                "generator_version": .integer(Int64(GeneratorVersion.current)),
                "zstd_version": .string(Zstd.versionString),
                "stages": .array(results),
            ]).canonicalText)
        }
    }

    /// For a textured stage, fetches every texture of its pools once (so the figures are for a
    /// warm cache) and says how long that took.
    private func warmUp(_ generator: VideoGenerator) throws -> String? {
        let start = DispatchTime.now().uptimeNanoseconds
        var shown = false
        let count = try generator.warmTextures(threads: threads) { done, total in
            // Progress on stderr once the warm-up takes more than a moment (a cold statistical
            // pool of 1,000 textures takes minutes).
            let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            guard seconds > 2 || shown else { return }
            shown = true
            FileHandle.standardError.write(Data(String(format: "\r  warming textures: %d/%d, %.0f s", done, total, seconds).utf8))
        }
        if shown { FileHandle.standardError.write(Data("\n".utf8)) }
        guard let count else { return nil }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        return String(format: "  warm-up: %d textures in %.1f s (%.1f ms each on %d threads)",
                      count, seconds, seconds * 1e3 / Double(max(count, 1)), threads)
    }

    private func measure(stage: String, generator: VideoGenerator) throws -> StageResult {
        let threads = self.threads, clips = self.clips
        let timings = Mutex<[Double]>([])
        let failure = Mutex<(any Error)?>(nil)
        let deadline = DispatchTime.now().uptimeNanoseconds + UInt64((seconds ?? 3) * 1e9)
        let start = DispatchTime.now().uptimeNanoseconds
        DispatchQueue.concurrentPerform(iterations: threads) { worker in
            let renderer = ClipRenderer(generator: generator)
            var local: [Double] = []
            var seed = UInt64(worker)
            let frames = generator.sampledFrameIndices(seed: seed)
            var buffer = [UInt8](repeating: 0, count: generator.clipByteCount(frames: frames.count))
            repeat {
                let indices = generator.sampledFrameIndices(seed: seed)
                let t0 = DispatchTime.now().uptimeNanoseconds
                do {
                    try buffer.withUnsafeMutableBytes { try renderer.render(seed: seed, frameIndices: indices, into: $0) }
                } catch {
                    failure.withLock { $0 = error }
                    break
                }
                local.append(Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e6)
                seed += UInt64(threads)
            } while clips.map { local.count < $0 } ?? (DispatchTime.now().uptimeNanoseconds < deadline)
            timings.withLock { $0 += local }
        }
        if let error = failure.withLock({ $0 }) { throw error }
        let wall = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        let ms = timings.withLock { $0 }.sorted()

        // Compression on a sample of clips, one thread, one reused context.
        let compressor = ZstdCompressor(level: zstdLevel)
        let renderer = ClipRenderer(generator: generator)
        var raw = 0, compressed = 0, compressSeconds = 0.0
        for seed in UInt64(0)..<16 {
            let clip = try renderer.render(seed: seed, frameIndices: generator.sampledFrameIndices(seed: seed))
            let t0 = DispatchTime.now().uptimeNanoseconds
            let out = try compressor.compress(clip)
            compressSeconds += Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9
            raw += clip.count
            compressed += out.count
        }
        let clipBytes = Double(raw) / 16
        let meanRender = ms.reduce(0, +) / Double(ms.count) / 1e3
        let meanCompress = compressSeconds / 16
        return StageResult(
            stage: stage, threads: threads, clips: ms.count, seconds: wall,
            clipsPerSecond: Double(ms.count) / wall, rawMBPerSecond: Double(ms.count) * clipBytes / wall / 1e6,
            p50: percentile(ms, 0.5), p90: percentile(ms, 0.9),
            zstdLevel: Int(zstdLevel), zstdRatio: Double(raw) / Double(compressed),
            compressMBPerSecond: Double(raw) / compressSeconds / 1e6,
            renderCompressClipsPerSecond: Double(threads) / (meanRender + meanCompress))
    }

    private func percentile(_ sorted: [Double], _ q: Double) -> Double {
        sorted.isEmpty ? 0 : sorted[min(sorted.count - 1, Int((Double(sorted.count - 1) * q).rounded()))]
    }
}

private struct StageResult {
    let stage: String
    let threads: Int
    let clips: Int
    let seconds: Double
    let clipsPerSecond: Double
    let rawMBPerSecond: Double
    let p50: Double
    let p90: Double
    let zstdLevel: Int
    let zstdRatio: Double
    let compressMBPerSecond: Double
    let renderCompressClipsPerSecond: Double

    var text: String {
        String(format: "%-40@ threads %d  %8.1f clips/s  %7.1f MB/s  p50 %.3f ms  p90 %.3f ms  "
               + "zstd(%d) %.1fx at %.0f MB/s  render+compress %.1f clips/s",
               stage as NSString, threads, clipsPerSecond, rawMBPerSecond, p50, p90, zstdLevel, zstdRatio,
               compressMBPerSecond, renderCompressClipsPerSecond)
    }

    var json: JSONValue {
        func round3(_ x: Double) -> JSONValue { .number((x * 1000).rounded() / 1000) }
        return .object([
            "stage": .string(stage), "threads": .integer(Int64(threads)), "clips": .integer(Int64(clips)),
            "seconds": round3(seconds), "clips_per_second": round3(clipsPerSecond),
            "raw_mb_per_second": round3(rawMBPerSecond), "ms_p50": round3(p50), "ms_p90": round3(p90),
            "zstd_level": .integer(Int64(zstdLevel)), "zstd_ratio": round3(zstdRatio),
            "compress_mb_per_second": round3(compressMBPerSecond),
            "render_compress_clips_per_second": round3(renderCompressClipsPerSecond),
        ])
    }
}
