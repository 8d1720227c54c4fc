import Foundation
import Testing
@testable import TensorCodec

struct ZstdDecompressorTests {
    let decompressor = ZstdDecompressor()
    let input = wordSoup(400_000, seed: 21)

    func frame() throws -> [UInt8] { try ZstdCompressor(level: 1).compress(input) }
    func streamedFrame() throws -> [UInt8] { try ZstdCompressor(level: 1).compressStreaming(input, chunkSize: 10_000) }

    @Test func enforcesMaxOutputSizeWithAndWithoutAContentSize() throws {
        for (label, frame) in [("sized", try frame()), ("streamed", try streamedFrame())] {
            #expect(throws: TensorCodecError.decompressedTooLarge(limit: input.count - 1), "\(label)") {
                try decompressor.decompress(frame, maxOutputSize: input.count - 1)
            }
            #expect(throws: TensorCodecError.decompressedTooLarge(limit: 0), "\(label)") {
                try decompressor.decompress(frame, maxOutputSize: 0)
            }
            #expect(try decompressor.decompress(frame, maxOutputSize: input.count) == input, "\(label)")
            #expect(try decompressor.decompress(frame, maxOutputSize: .max) == input, "\(label)")
        }
    }

    @Test func rejectsTruncatedFrames() throws {
        for (label, frame) in [("sized", try frame()), ("streamed", try streamedFrame())] {
            for cut in [1, 3, frame.count / 2, frame.count - 20] {
                let truncated = Array(frame.dropLast(cut))
                #expect(throws: TensorCodecError.zstd("input is truncated: it ends before the end of the zstd frame"),
                        "\(label) minus \(cut)") {
                    try decompressor.decompress(truncated, maxOutputSize: input.count)
                }
            }
        }
    }

    @Test func rejectsCorruptFrames() throws {
        var corrupt = try frame()
        for index in stride(from: 20, to: corrupt.count - 8, by: 97) { corrupt[index] ^= 0x5A }
        let error = #expect(throws: TensorCodecError.self) {
            try decompressor.decompress(corrupt, maxOutputSize: input.count)
        }
        #expect(error.map(caseName) == "zstd")
        #expect(error?.description.hasPrefix("zstd: corrupt input: ") == true, "\(String(describing: error))")
    }

    @Test func rejectsEmptyInputGarbageAndTrailingBytes() throws {
        #expect(throws: TensorCodecError.zstd("input of 0 bytes is too short to be a zstd frame")) {
            try decompressor.decompress([], maxOutputSize: 100)
        }
        #expect(throws: TensorCodecError.zstd("input is not zstd data (no zstd magic number)")) {
            try decompressor.decompress(Array("hello, world".utf8), maxOutputSize: 100)
        }
        let twoFrames = try frame() + ZstdCompressor(level: 1).compress([1, 2, 3])
        #expect(throws: TensorCodecError.self) {
            try decompressor.decompress(twoFrames, maxOutputSize: 10 * input.count)
        }
        let withGarbage = try frame() + [0, 0, 0]
        #expect(throws: TensorCodecError.zstd("3 bytes follow the end of the zstd frame")) {
            try decompressor.decompress(withGarbage, maxOutputSize: input.count)
        }
    }

    @Test func keepsWorkingAfterAnError() throws {
        let good = try frame()
        _ = try? decompressor.decompress(Array(good.prefix(good.count / 2)), maxOutputSize: input.count)
        #expect(try decompressor.decompress(good, maxOutputSize: input.count) == input)
        #expect(try decompressor.decompress(ZstdCompressor().compress([]), maxOutputSize: 0) == [])
    }

    @Test func decodesLargeStreamedFramesByGrowingTheOutput() throws {
        let large = randomBytes(1 << 20, seed: 8) + wordSoup(1 << 19, seed: 8)
        let frame = try ZstdCompressor(level: -1).compressStreaming(large, chunkSize: 1 << 20)
        #expect(try Zstd.frameContentSize(frame) == nil)
        #expect(try decompressor.decompress(frame, maxOutputSize: large.count) == large)
    }

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/zstd")))
    func decodesFramesTheZstdToolWritesFromAPipe() throws {
        let frame = try runZstdTool(["-q", "-c", "-3"], stdin: input)
        #expect(try Zstd.frameContentSize(frame) == nil, "zstd does not know a pipe's size")
        #expect(try decompressor.decompress(frame, maxOutputSize: input.count) == input)
    }
}
