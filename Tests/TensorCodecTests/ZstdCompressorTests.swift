import Foundation
import Testing
@testable import TensorCodec

/// Text-like data: words from a small vocabulary, compressible, with room for levels to differ.
func wordSoup(_ count: Int, seed: UInt64) -> [UInt8] {
    let words = ["circle", "square", "triangle", "velocity", "seed", "frame", "texture", "scale",
                 "shear", "rotation", "accelerating", "moving", "static", "stage", "clip"].map { Array($0.utf8) }
    var generator = SplitMix64(state: seed)
    var out: [UInt8] = []
    while out.count < count {
        out += words[Int(generator.next() % UInt64(words.count))]
        out.append(generator.next() % 7 == 0 ? UInt8(ascii: "\n") : UInt8(ascii: " "))
    }
    return Array(out.prefix(count))
}

struct ZstdCompressorTests {
    let decompressor = ZstdDecompressor()

    @Test(arguments: [-3, 1, 3] as [Int32])
    func roundTripsRandomAndRepetitiveData(level: Int32) throws {
        let compressor = ZstdCompressor(level: level)
        let random = randomBytes(1 << 20, seed: 42)
        let packedRandom = try compressor.compress(random)
        #expect(packedRandom.count > random.count * 99 / 100, "random data does not compress")
        #expect(try decompressor.decompress(packedRandom, maxOutputSize: random.count) == random)

        let solid = Array([[UInt8]](repeating: [200, 30, 90], count: 16 * 64 * 64).joined())
        let packedSolid = try compressor.compress(solid)
        #expect(packedSolid.count * 90 < solid.count, "\(packedSolid.count) bytes for a solid clip")
        #expect(try decompressor.decompress(packedSolid, maxOutputSize: solid.count) == solid)
    }

    @Test func reusesOneCompressorForInputsOfManySizes() throws {
        let compressor = ZstdCompressor(level: 1)
        for (index, size) in [0, 1, 7, 1000, 200_000, 3, 2_500_000, 10, 65_536].enumerated() {
            let input = index.isMultiple(of: 2) ? randomBytes(size, seed: UInt64(index)) : wordSoup(size, seed: UInt64(index))
            let frame = try compressor.compress(input)
            #expect(try Zstd.frameContentSize(frame) == UInt64(size), "size \(size)")
            #expect(try decompressor.decompress(frame, maxOutputSize: size) == input, "size \(size)")
        }
    }

    @Test func pointerAndArrayOverloadsAgree() throws {
        let compressor = ZstdCompressor(level: 2)
        let input = wordSoup(50_000, seed: 9)
        let viaArray = try compressor.compress(input)
        let viaPointer = try input.withUnsafeBytes { try compressor.compress($0) }
        #expect(viaArray == viaPointer)
    }

    @Test func higherLevelsMakeSmallerFramesOfCompressibleData() throws {
        let input = wordSoup(1 << 20, seed: 5)
        let sizes = try [Int32(-7), 1, 19].map { try ZstdCompressor(level: $0).compress(input).count }
        #expect(sizes[0] > sizes[1], "\(sizes)")
        #expect(sizes[1] > sizes[2], "\(sizes)")
    }

    @Test func clampsLevelsOutsideTheRange() {
        #expect(ZstdCompressor(level: 1000).level == Zstd.levelRange.upperBound)
        #expect(ZstdCompressor(level: .min).level == Zstd.levelRange.lowerBound)
    }

    @Test func streamingHelperWritesFramesWithoutAContentSize() throws {
        let input = wordSoup(300_000, seed: 11)
        let frame = try ZstdCompressor(level: 1).compressStreaming(input, chunkSize: 4096)
        #expect(try Zstd.frameContentSize(frame) == nil)
        #expect(try decompressor.decompress(frame, maxOutputSize: input.count) == input)
    }

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/zstd")))
    func theZstdToolDecodesOurFrames() throws {
        let input = wordSoup(200_000, seed: 12)
        let frame = try ZstdCompressor(level: 3).compress(input)
        #expect(try runZstdTool(["-d", "-q", "-c"], stdin: frame) == input)
    }
}

/// Runs `/usr/bin/zstd` with `arguments`, feeding `stdin` from a temporary file.
func runZstdTool(_ arguments: [String], stdin: [UInt8]) throws -> [UInt8] {
    let directory = FileManager.default.temporaryDirectory
    let inputURL = directory.appendingPathComponent("tensorcodec-\(UUID().uuidString).in")
    let outputURL = directory.appendingPathComponent("tensorcodec-\(UUID().uuidString).out")
    defer {
        try? FileManager.default.removeItem(at: inputURL)
        try? FileManager.default.removeItem(at: outputURL)
    }
    try Data(stdin).write(to: inputURL)
    _ = FileManager.default.createFile(atPath: outputURL.path, contents: nil)
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/zstd")
    process.arguments = arguments
    process.standardInput = try FileHandle(forReadingFrom: inputURL)
    process.standardOutput = try FileHandle(forWritingTo: outputURL)
    try process.run()
    process.waitUntilExit()
    #expect(process.terminationStatus == 0)
    return try [UInt8](Data(contentsOf: outputURL))
}
