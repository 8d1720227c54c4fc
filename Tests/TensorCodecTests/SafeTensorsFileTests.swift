import Testing
@testable import TensorCodec

/// One malformed document and the error the reader must answer with.
struct MalformedDocument: Sendable, CustomTestStringConvertible {
    let label: String
    let bytes: [UInt8]
    let expected: TensorCodecError
    /// Compare only the error's case, for messages that quote a JSON parser's own words.
    var caseOnly = false
    var testDescription: String { label }
}

private let u8x4 = #""a":{"dtype":"U8","shape":[4],"data_offsets":[0,4]}"#
private let four: [UInt8] = [1, 2, 3, 4]

private func header(_ body: String) -> String { "{\(body)}" }
private func tensorA(dtype: String = #""U8""#, shape: String = "[4]", offsets: String = "[0,4]") -> String {
    header(#""a":{"dtype":\#(dtype),"shape":\#(shape),"data_offsets":\#(offsets)}"#)
}

let malformedDocuments: [MalformedDocument] = [
    // Framing
    .init(label: "shorter than 8 bytes", bytes: [4, 0, 0], expected: .truncated(expected: 8, actual: 3)),
    .init(label: "header length past the end", bytes: LittleEndian.bytes(of: 100) + Array("{}".utf8),
          expected: .truncated(expected: 108, actual: 10)),
    .init(label: "header above 100 MB", bytes: LittleEndian.bytes(of: 100_000_001) + Array("{}".utf8),
          expected: .headerTooLarge(length: 100_000_001, limit: 100_000_000)),
    .init(label: "header length 2^64-1", bytes: LittleEndian.bytes(of: .max),
          expected: .headerTooLarge(length: .max, limit: 100_000_000)),
    .init(label: "data section short", bytes: rawDocument(header: header(u8x4), data: [1, 2, 3]),
          expected: .truncated(expected: 8 + 53 + 4, actual: 8 + 53 + 3)),
    .init(label: "bytes after the last tensor", bytes: rawDocument(header: header(u8x4), data: four + [9]),
          expected: .trailingBytes(expected: 8 + 53 + 4, actual: 8 + 53 + 5)),
    .init(label: "data but no tensors", bytes: rawDocument(header: "{}", data: four),
          expected: .trailingBytes(expected: 10, actual: 14)),
    // JSON
    .init(label: "invalid UTF-8", bytes: rawDocument(headerBytes: Array(#"{"a":""#.utf8) + [0xFF] + Array(#""}"#.utf8)),
          expected: .malformedHeader("the header is not valid UTF-8")),
    .init(label: "not JSON", bytes: rawDocument(header: #"{"a":"#), expected: .malformedHeader(""), caseOnly: true),
    .init(label: "a JSON array", bytes: rawDocument(header: "[1]"), expected: .malformedHeader("the header must start with '{'")),
    .init(label: "leading garbage", bytes: rawDocument(header: " {}"), expected: .malformedHeader("the header must start with '{'")),
    .init(label: "tensor entry not an object", bytes: rawDocument(header: #"{"a":[1]}"#),
          expected: .malformedHeader("the entry for tensor 'a' is not a JSON object")),
    .init(label: "tensor without shape", bytes: rawDocument(header: #"{"a":{"dtype":"U8","data_offsets":[0,0]}}"#),
          expected: .malformedHeader("tensor 'a' has no \"shape\"")),
    .init(label: "tensor with an unknown field",
          bytes: rawDocument(header: #"{"a":{"dtype":"U8","shape":[0],"data_offsets":[0,0],"x":1}}"#),
          expected: .malformedHeader("tensor 'a' has an unknown field \"x\"")),
    .init(label: "dtype not a string", bytes: rawDocument(header: tensorA(dtype: "8"), data: four),
          expected: .malformedHeader("the dtype of tensor 'a' is not a string")),
    // dtype
    .init(label: "unknown dtype", bytes: rawDocument(header: tensorA(dtype: #""U7""#), data: four),
          expected: .unknownDType(tensor: "a", dtype: "U7")),
    .init(label: "sub-byte dtype", bytes: rawDocument(header: tensorA(dtype: #""F4""#), data: four),
          expected: .unknownDType(tensor: "a", dtype: "F4")),
    // shape
    .init(label: "negative dimension", bytes: rawDocument(header: tensorA(shape: "[-4]"), data: four),
          expected: .invalidShape(tensor: "a", reason: ""), caseOnly: true),
    .init(label: "fractional dimension", bytes: rawDocument(header: tensorA(shape: "[4.5]"), data: four),
          expected: .invalidShape(tensor: "a", reason: ""), caseOnly: true),
    .init(label: "float-written dimension", bytes: rawDocument(header: tensorA(shape: "[4.0]"), data: four),
          expected: .invalidShape(tensor: "a", reason: ""), caseOnly: true),
    .init(label: "boolean dimension", bytes: rawDocument(header: tensorA(shape: "[true, 4]"), data: four),
          expected: .invalidShape(tensor: "a", reason: ""), caseOnly: true),
    .init(label: "string dimension", bytes: rawDocument(header: tensorA(shape: #"["4"]"#), data: four),
          expected: .invalidShape(tensor: "a", reason: ""), caseOnly: true),
    .init(label: "shape not an array", bytes: rawDocument(header: tensorA(shape: "4"), data: four),
          expected: .invalidShape(tensor: "a", reason: "it is not a JSON array")),
    .init(label: "shape overflowing Int", bytes: rawDocument(header: tensorA(shape: "[4294967296,4294967296,4]"), data: four),
          expected: .invalidShape(tensor: "a", reason: "its byte count overflows")),
    // data_offsets
    .init(label: "one offset", bytes: rawDocument(header: tensorA(offsets: "[4]"), data: four),
          expected: .invalidDataOffsets(tensor: "a", reason: "it is not an array of two integers")),
    .init(label: "three offsets", bytes: rawDocument(header: tensorA(offsets: "[0,2,4]"), data: four),
          expected: .invalidDataOffsets(tensor: "a", reason: "it is not an array of two integers")),
    .init(label: "descending offsets", bytes: rawDocument(header: tensorA(offsets: "[4,0]"), data: four),
          expected: .invalidDataOffsets(tensor: "a", reason: "begin 4 is after end 0")),
    .init(label: "negative offset", bytes: rawDocument(header: tensorA(offsets: "[-4,0]"), data: four),
          expected: .invalidDataOffsets(tensor: "a", reason: ""), caseOnly: true),
    .init(label: "float offsets", bytes: rawDocument(header: tensorA(offsets: "[0.0,4.0]"), data: four),
          expected: .invalidDataOffsets(tensor: "a", reason: ""), caseOnly: true),
    .init(label: "boolean offset", bytes: rawDocument(header: tensorA(offsets: "[false,4]"), data: four),
          expected: .invalidDataOffsets(tensor: "a", reason: ""), caseOnly: true),
    .init(label: "offset beyond Int", bytes: rawDocument(header: tensorA(offsets: "[0,18446744073709551615]"), data: four),
          expected: .invalidDataOffsets(tensor: "a", reason: ""), caseOnly: true),
    .init(label: "range shorter than dtype x shape", bytes: rawDocument(header: tensorA(offsets: "[0,3]"), data: [1, 2, 3]),
          expected: .tensorSizeMismatch(tensor: "a", expected: 4, actual: 3)),
    .init(label: "range longer than dtype x shape",
          bytes: rawDocument(header: tensorA(dtype: #""I32""#, shape: "[2]", offsets: "[0,4]"), data: four),
          expected: .tensorSizeMismatch(tensor: "a", expected: 8, actual: 4)),
    // tiling of the data section
    .init(label: "overlapping tensors",
          bytes: rawDocument(header: header(u8x4 + #","b":{"dtype":"U8","shape":[4],"data_offsets":[2,6]}"#), data: four + [5, 6]),
          expected: .overlappingTensors("a", "b")),
    .init(label: "the same range twice",
          bytes: rawDocument(header: header(u8x4 + #","b":{"dtype":"U8","shape":[4],"data_offsets":[0,4]}"#), data: four),
          expected: .overlappingTensors("a", "b")),
    .init(label: "gap between tensors",
          bytes: rawDocument(header: header(u8x4 + #","b":{"dtype":"U8","shape":[4],"data_offsets":[6,10]}"#), data: four + four + four),
          expected: .dataGap(before: "b", range: 4..<6)),
    .init(label: "gap before the first tensor", bytes: rawDocument(header: tensorA(offsets: "[2,6]"), data: four + four),
          expected: .dataGap(before: "a", range: 0..<2)),
    // metadata
    .init(label: "metadata value not a string", bytes: rawDocument(header: #"{"__metadata__":{"k":"v","n":1}}"#),
          expected: .invalidMetadata("the value of 'n' is not a string")),
    .init(label: "metadata null value", bytes: rawDocument(header: #"{"__metadata__":{"k":null}}"#),
          expected: .invalidMetadata("the value of 'k' is not a string")),
    .init(label: "metadata not an object", bytes: rawDocument(header: #"{"__metadata__":["k","v"]}"#),
          expected: .invalidMetadata("it is not a JSON object")),
]

struct SafeTensorsFileTests {
    @Test func theTableBaseDocumentIsValid() throws {
        let file = try SafeTensorsFile.parse(rawDocument(header: header(u8x4), data: four))
        #expect(file.tensors == [TensorSpec(name: "a", dtype: .u8, shape: [4])])
        #expect(file.data(of: "a").map(Array.init) == four)
        #expect(file.metadata.isEmpty)
        #expect(header(u8x4).utf8.count == 53, "the table's expected sizes assume this header length")
    }

    @Test(arguments: malformedDocuments)
    func rejectsMalformedDocument(_ document: MalformedDocument) {
        do {
            let file = try SafeTensorsFile.parse(document.bytes)
            Issue.record("parsed \(file.tensors.map(\.name)); expected \(document.expected)")
        } catch {
            if document.caseOnly {
                #expect(caseName(error) == caseName(document.expected), "\(error)")
            } else {
                #expect(error == document.expected)
            }
        }
    }

    @Test func acceptsZeroSizedTensorsScalarsAndPaddingFromOtherWriters() throws {
        let json = #"{"__metadata__":{"format":"pt"},"e":{"dtype":"F32","shape":[0,3],"data_offsets":[0,0]},"#
            + #""s":{"dtype":"F64","shape":[],"data_offsets":[0,8]},"z":{"dtype":"BOOL","shape":[0],"data_offsets":[8,8]}}   "#
        let file = try SafeTensorsFile.parse(rawDocument(header: json, data: randomBytes(8, seed: 1)))
        #expect(file.tensors.map(\.name) == ["e", "s", "z"])
        #expect(file.tensors[1] == TensorSpec(name: "s", dtype: .f64, shape: []))
        #expect(file.data(of: "e")?.isEmpty == true)
        #expect(file.data(of: "s").map(Array.init) == randomBytes(8, seed: 1))
        #expect(file.metadata == ["format": "pt"])
    }

    @Test func listsTensorsInOffsetOrderWhateverTheHeaderOrder() throws {
        let json = #"{"b":{"dtype":"U8","shape":[2],"data_offsets":[4,6]},"a":{"dtype":"U16","shape":[2],"data_offsets":[0,4]}}"#
        let file = try SafeTensorsFile.parse(rawDocument(header: json, data: [1, 2, 3, 4, 5, 6]))
        #expect(file.tensors.map(\.name) == ["a", "b"])
        #expect(file.data(of: "b").map(Array.init) == [5, 6])
    }
}

struct DocumentLengthTests {
    func twoDocuments() throws -> (first: [UInt8], second: [UInt8]) {
        var first = try ClipBatchDocument(batchSize: 2, frames: 3, height: 4, width: 5, metadata: ["n": "1"])
        first.setSeeds([7, 8])
        var second = try ClipBatchDocument(batchSize: 1, frames: 2, height: 3, width: 3, metadata: ["n": "second \"doc\""])
        second.setSeeds([9])
        return (first.bytes, second.bytes)
    }

    @Test func splitsAConcatenationOfTwoDocuments() throws {
        let (first, second) = try twoDocuments()
        let stream = first + second
        #expect(try SafeTensorsFile.documentLength(prefix: stream) == first.count)
        #expect(try SafeTensorsFile.documentLength(prefix: stream[first.count...]) == second.count)

        // Read the stream the way a client does: length, then parse that many bytes, repeat.
        var rest = stream[...]
        var metadata: [String] = []
        while let length = try SafeTensorsFile.documentLength(prefix: rest) {
            metadata.append(try SafeTensorsFile.parse(Array(rest.prefix(length))).metadata["n"] ?? "?")
            rest = rest.dropFirst(length)
        }
        #expect(metadata == ["1", "second \"doc\""])
        #expect(rest.isEmpty)
    }

    @Test func answersNilUntilTheWholeHeaderIsThere() throws {
        let (first, _) = try twoDocuments()
        let headerEnd = 8 + Int(LittleEndian.load(first[0..<8]))
        for length in [0, 1, 7, 8, 9, headerEnd - 1] {
            #expect(try SafeTensorsFile.documentLength(prefix: first.prefix(length)) == nil, "prefix \(length)")
        }
        #expect(try SafeTensorsFile.documentLength(prefix: first.prefix(headerEnd)) == first.count)
        #expect(try SafeTensorsFile.documentLength(prefix: AnyCollection(first.prefix(headerEnd + 1))) == first.count)
    }

    @Test func rejectsACorruptHeaderAsSoonAsItIsComplete() {
        #expect(throws: TensorCodecError.headerTooLarge(length: 1 << 40, limit: 100_000_000)) {
            try SafeTensorsFile.documentLength(prefix: LittleEndian.bytes(of: 1 << 40))
        }
        #expect(throws: TensorCodecError.unknownDType(tensor: "a", dtype: "Q")) {
            try SafeTensorsFile.documentLength(prefix: rawDocument(header: #"{"a":{"dtype":"Q","shape":[],"data_offsets":[0,1]}}"#))
        }
    }
}
