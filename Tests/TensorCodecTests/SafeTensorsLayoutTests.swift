import Foundation
import Testing
@testable import TensorCodec

struct SafeTensorsLayoutTests {
    let specs = [
        TensorSpec(name: "seeds", dtype: .u64, shape: [3]),
        TensorSpec(name: "frame_indices", dtype: .i32, shape: [3, 5]),
        TensorSpec(name: "video", dtype: .u8, shape: [3, 5, 4, 2, 3]),
    ]

    @Test func headerStartsWithItsLittleEndianLengthAndIsPaddedToEightBytes() throws {
        // Metadata of every length mod 8 exercises every amount of padding.
        for extra in 0..<16 {
            let layout = try SafeTensorsLayout(tensors: specs, metadata: ["k": String(repeating: "x", count: extra)])
            let length = Int(LittleEndian.load(layout.header[0..<8]))
            #expect(length == layout.header.count - 8, "extra \(extra)")
            #expect(layout.header.count % 8 == 0, "extra \(extra)")
            #expect(layout.dataStart == layout.header.count)
            let json = layout.header[8...]
            let end = try #require(json.lastIndex(of: UInt8(ascii: "}")))
            #expect(json[(end + 1)...].allSatisfy { $0 == UInt8(ascii: " ") }, "padding is spaces")
            #expect(layout.header.count - end - 1 < 8, "no more padding than needed")
        }
    }

    @Test func tensorsFollowTheHeaderBackToBackInTheGivenOrder() throws {
        let layout = try SafeTensorsLayout(tensors: specs, metadata: [:])
        let start = layout.dataStart
        #expect(layout.range(of: "seeds") == start..<(start + 24))
        #expect(layout.range(of: "frame_indices") == (start + 24)..<(start + 24 + 60))
        #expect(layout.range(of: "video") == (start + 84)..<(start + 84 + 360))
        #expect(layout.totalSize == start + 444)
        #expect(layout.range(of: "missing") == nil)
        #expect(layout.range(of: "seeds")!.lowerBound % 8 == 0, "seeds is 8-byte aligned")
        #expect(layout.tensors == specs)
    }

    @Test func jsonHeaderDescribesEveryTensor() throws {
        let layout = try SafeTensorsLayout(tensors: specs, metadata: ["stage": "static-circles"])
        let object = try headerObject(layout.header)
        #expect(Set(object.keys) == ["__metadata__", "seeds", "frame_indices", "video"])
        #expect(object["__metadata__"] as? [String: String] == ["stage": "static-circles"])
        for spec in specs {
            let entry = try #require(object[spec.name] as? [String: Any])
            #expect(entry["dtype"] as? String == spec.dtype.rawValue)
            #expect(entry["shape"] as? [Int] == spec.shape)
            let range = try #require(layout.range(of: spec.name))
            #expect(entry["data_offsets"] as? [Int]
                == [range.lowerBound - layout.dataStart, range.upperBound - layout.dataStart])
        }
    }

    @Test func headerBytesAreDeterministicAndMetadataKeysSorted() throws {
        var forward: [String: String] = [:]
        var backward: [String: String] = [:]
        let keys = ["zeta", "alpha", "config", "Beta", "generator_version", "é"]
        for key in keys { forward[key] = "v-\(key)" }
        for key in keys.reversed() { backward[key] = "v-\(key)" }
        let a = try SafeTensorsLayout(tensors: specs, metadata: forward)
        let b = try SafeTensorsLayout(tensors: specs, metadata: backward)
        #expect(a.header == b.header)
        let text = String(decoding: a.header, as: UTF8.self)
        let positions = ["Beta", "alpha", "config", "generator_version", "zeta", "é"].map {
            text.range(of: "\"\($0)\":")!.lowerBound
        }
        #expect(positions == positions.sorted())
    }

    @Test func metadataValuesWithSpecialCharactersRoundTrip() throws {
        let metadata = [
            "quotes": #"say "hi""#, "backslashes": #"C:\path\n"#, "newlines": "a\nb\r\nc",
            "unicode": "é漢🎞️\u{2028}", "control": "\u{01}\u{1F}",
            "configuration": #"{"stage":"moving-shapes","speed":[0.5,1.5],"name":"a \"b\""}"#,
            "key with \"quote\"": "value",
        ]
        let layout = try SafeTensorsLayout(tensors: specs, metadata: metadata)
        #expect(try headerObject(layout.header)["__metadata__"] as? [String: String] == metadata)
        var bytes = layout.header
        bytes.append(contentsOf: repeatElement(0, count: layout.totalSize - layout.dataStart))
        #expect(try SafeTensorsFile.parse(bytes).metadata == metadata)
    }

    @Test func rejectsTensorsThatCannotBeWritten() {
        let u8 = { (name: String, shape: [Int]) in TensorSpec(name: name, dtype: .u8, shape: shape) }
        #expect(throws: TensorCodecError.invalidTensor(name: "a", reason: "the name is used twice")) {
            try SafeTensorsLayout(tensors: [u8("a", [1]), u8("b", [1]), u8("a", [2])], metadata: [:])
        }
        #expect(throws: TensorCodecError.invalidTensor(name: "__metadata__", reason: "the name is reserved for metadata")) {
            try SafeTensorsLayout(tensors: [u8("__metadata__", [1])], metadata: [:])
        }
        let negative = #expect(throws: TensorCodecError.self) {
            try SafeTensorsLayout(tensors: [u8("neg", [2, -1])], metadata: [:])
        }
        #expect(negative.map(caseName) == "invalidTensor")
        let overflow = #expect(throws: TensorCodecError.self) {
            try SafeTensorsLayout(tensors: [u8("a", [1 << 62]), u8("b", [1 << 62])], metadata: [:])
        }
        #expect(overflow.map(caseName) == "invalidTensor")
    }

    @Test func emptyAndZeroSizedTensorsAreAllowed() throws {
        let layout = try SafeTensorsLayout(
            tensors: [TensorSpec(name: "empty", dtype: .f32, shape: [0, 4]), TensorSpec(name: "one", dtype: .u8, shape: [1])],
            metadata: [:])
        #expect(layout.range(of: "empty") == layout.dataStart..<layout.dataStart)
        #expect(layout.totalSize == layout.dataStart + 1)
        #expect(try SafeTensorsLayout(tensors: [], metadata: [:]).header == Array("\u{8}\0\0\0\0\0\0\0{}      ".utf8))
    }
}
