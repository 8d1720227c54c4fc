import Testing
@testable import TensorCodec

struct ZstdTests {
    @Test func reportsTheLinkedLibrary() {
        #expect(Zstd.versionString.split(separator: ".").count == 3)
        #expect(Zstd.versionString.hasPrefix("1."))
    }

    @Test func levelRangeCoversNegativeAndHighLevelsAndTheDefault() {
        #expect(Zstd.levelRange.lowerBound < -3)
        #expect(Zstd.levelRange.upperBound >= 19)
        #expect(Zstd.levelRange.contains(Zstd.defaultLevel))
        #expect(ZstdCompressor().level == Zstd.defaultLevel)
    }

    @Test func frameContentSizeDistinguishesGarbageFromTruncation() throws {
        #expect(throws: TensorCodecError.zstd("input is not zstd data (no zstd magic number)")) {
            try Zstd.frameContentSize([1, 2, 3, 4, 5, 6])
        }
        #expect(throws: TensorCodecError.zstd("input of 2 bytes is too short to be a zstd frame")) {
            try Zstd.frameContentSize([0x28, 0xB5])
        }
        #expect(throws: TensorCodecError.zstd("input is truncated inside the zstd frame header")) {
            try Zstd.frameContentSize([0x28, 0xB5, 0x2F, 0xFD])
        }
        let frame = try ZstdCompressor(level: 1).compress(randomBytes(1000, seed: 3))
        #expect(try Zstd.frameContentSize(frame) == 1000)
    }
}
