import Testing
@testable import TensorCodec

struct ClipBatchDocumentTests {
    let metadata = ["stage": "moving-circles", "configuration_hash": "ab12", "generator_version": "1"]

    /// A document with recognisable content in every tensor.
    func filledDocument() throws -> ClipBatchDocument {
        var document = try ClipBatchDocument(batchSize: 3, frames: 4, height: 5, width: 6, metadata: metadata)
        document.setSeeds([UInt64.max, UInt64.max - 0x0102_0304, 0])
        document.setFrameIndices(clip: 0, [-1, Int32.min, Int32.max, 0])
        document.setFrameIndices(clip: 1, [0, 4, 8, 12])
        document.setFrameIndices(clip: 2, [-7, 1 << 20, 3, -(1 << 24)])
        for clip in 0..<3 {
            document.withVideoBuffer(clip: clip) { buffer in
                #expect(buffer.count == 4 * 5 * 6 * 3)
                for index in buffer.indices {
                    buffer[index] = UInt8(truncatingIfNeeded: clip &* 101 &+ index &* 7)
                }
            }
        }
        return document
    }

    @Test func laysOutSeedsFrameIndicesAndVideoInThatOrderAligned() throws {
        let document = try ClipBatchDocument(batchSize: 2, frames: 16, height: 8, width: 8, metadata: metadata)
        #expect(document.seedsRange.lowerBound == document.layout.dataStart)
        #expect(document.seedsRange.lowerBound % 8 == 0)
        #expect(document.seedsRange.count == 16)
        #expect(document.frameIndicesRange == document.seedsRange.upperBound..<(document.seedsRange.upperBound + 128))
        #expect(document.frameIndicesRange.lowerBound % 4 == 0)
        #expect(document.videoRange == document.frameIndicesRange.upperBound..<document.bytes.count)
        #expect(document.videoRange.count == 2 * 16 * 8 * 8 * 3)
        #expect(document.bytes.count == document.layout.totalSize)
        #expect(Array(document.bytes[0..<document.layout.dataStart]) == document.layout.header)
        #expect(document.bytes[document.layout.dataStart...].allSatisfy { $0 == 0 }, "data is zero-filled")
        #expect(document.videoRange(clip: 1) == (document.videoRange.lowerBound + document.clipByteCount)..<document.videoRange.upperBound)
    }

    @Test func writesLittleEndianValuesAtTheRightPlaces() throws {
        let document = try filledDocument()
        let seeds = document.bytes[document.seedsRange]
        #expect(Array(seeds.prefix(16)) == [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
                                             0xFB, 0xFC, 0xFD, 0xFE, 0xFF, 0xFF, 0xFF, 0xFF])
        let indices = document.bytes[document.frameIndicesRange]
        #expect(Array(indices.prefix(12)) == [0xFF, 0xFF, 0xFF, 0xFF, 0x00, 0x00, 0x00, 0x80, 0xFF, 0xFF, 0xFF, 0x7F])
    }

    @Test func roundTripsThroughTheReader() throws {
        let document = try filledDocument()
        let file = try SafeTensorsFile.parse(document.bytes)
        #expect(file.metadata == metadata)
        #expect(file.tensors == [
            TensorSpec(name: "seeds", dtype: .u64, shape: [3]),
            TensorSpec(name: "frame_indices", dtype: .i32, shape: [3, 4]),
            TensorSpec(name: "video", dtype: .u8, shape: [3, 4, 5, 6, 3]),
        ])

        let seedBytes = try #require(file.data(of: "seeds"))
        let seeds = stride(from: seedBytes.startIndex, to: seedBytes.endIndex, by: 8).map {
            LittleEndian.load(seedBytes[$0..<($0 + 8)])
        }
        #expect(seeds == [UInt64.max, UInt64.max - 0x0102_0304, 0])

        let indexBytes = try #require(file.data(of: "frame_indices"))
        let indices = stride(from: indexBytes.startIndex, to: indexBytes.endIndex, by: 4).map {
            Int32(bitPattern: UInt32(LittleEndian.load(indexBytes[$0..<($0 + 4)])))
        }
        #expect(indices == [-1, Int32.min, Int32.max, 0, 0, 4, 8, 12, -7, 1 << 20, 3, -(1 << 24)])

        let video = try #require(file.data(of: "video"))
        let clipBytes = 4 * 5 * 6 * 3
        #expect(video.count == 3 * clipBytes)
        for (offset, byte) in video.enumerated() {
            let clip = offset / clipBytes, index = offset % clipBytes
            guard byte == UInt8(truncatingIfNeeded: clip &* 101 &+ index &* 7) else {
                Issue.record("video byte \(offset) is \(byte)")
                return
            }
        }
        #expect(file.data(of: "missing") == nil)
    }

    @Test func rejectsDimensionsBelowOne() {
        #expect(throws: TensorCodecError.invalidDimension(name: "batchSize", value: 0)) {
            try ClipBatchDocument(batchSize: 0, frames: 1, height: 1, width: 1, metadata: [:])
        }
        #expect(throws: TensorCodecError.invalidDimension(name: "frames", value: -2)) {
            try ClipBatchDocument(batchSize: 1, frames: -2, height: 1, width: 1, metadata: [:])
        }
        #expect(throws: TensorCodecError.invalidDimension(name: "width", value: 0)) {
            try ClipBatchDocument(batchSize: 1, frames: 1, height: 1, width: 0, metadata: [:])
        }
    }
}
