import Testing
@testable import TensorCodec

/// A frame fed piece by piece equals the whole input, records its size, and the compressor
/// stays usable for whole-buffer compression afterwards.
struct ZstdCompressorFrameTests {
    let decompressor = ZstdDecompressor()

    @Test func piecewiseFrameRoundTripsAndRecordsItsSize() throws {
        let compressor = ZstdCompressor(level: -3)
        let pieces = [wordSoup(100_000, seed: 1), randomBytes(70_000, seed: 2), [], wordSoup(1 << 20, seed: 3)]
        let whole = Array(pieces.joined())
        for _ in 0..<2 {   // the context is reused across frames
            try compressor.beginFrame(contentSize: whole.count)
            for piece in pieces { try compressor.append(piece) }
            let frame = try compressor.finishFrame()
            #expect(try Zstd.frameContentSize(frame) == UInt64(whole.count))
            #expect(try decompressor.decompress(frame, maxOutputSize: whole.count) == whole)
        }
        let single = try compressor.compress(whole)
        #expect(try decompressor.decompress(single, maxOutputSize: whole.count) == whole)
    }

    @Test func aFrameShorterThanPledgedFails() throws {
        let compressor = ZstdCompressor(level: 1)
        try compressor.beginFrame(contentSize: 10)
        try compressor.append([1, 2, 3])
        #expect(throws: TensorCodecError.self) { _ = try compressor.finishFrame() }
    }

    @Test func documentPrefixMatchesTheDocument() throws {
        let metadata = ["stage": "s", "config": "{\"a\":1}"]
        var document = try ClipBatchDocument(batchSize: 2, frames: 3, height: 4, width: 5, metadata: metadata)
        document.setSeeds([7, UInt64.max])
        document.setFrameIndices(clip: 0, [0, 4, 8])
        document.setFrameIndices(clip: 1, [-1, 2, Int32.max])
        let prefix = try ClipBatchDocument.prefix(frames: 3, height: 4, width: 5, metadata: metadata,
                                                  seeds: [7, UInt64.max], frameIndices: [[0, 4, 8], [-1, 2, Int32.max]])
        #expect(prefix.documentSize == document.bytes.count)
        #expect(prefix.bytes == Array(document.bytes[0..<document.videoRange.lowerBound]))
    }
}
