import Testing
@testable import TensorCodec

struct TensorCodecErrorTests {
    @Test func descriptionsNameWhatWentWrongWithTheData() {
        #expect(TensorCodecError.truncated(expected: 100, actual: 42).description
            == "safetensors document is truncated: expected 100 bytes, got 42")
        #expect(TensorCodecError.unknownDType(tensor: "video", dtype: "U7").description
            == "tensor 'video' has unknown dtype 'U7'")
        #expect(TensorCodecError.dataGap(before: "b", range: 4..<6).description.contains("bytes 4..<6"))
        #expect(TensorCodecError.decompressedTooLarge(limit: 10).description.contains("limit of 10 bytes"))
        #expect(TensorCodecError.imageTooLarge(width: 20000, height: 1).description.contains("16384"))
        #expect(TensorCodecError.trailingBytes(expected: 10, actual: 13).description.contains("3 unexpected bytes"))
    }

    @Test func everyDescriptionCarriesItsData() {
        let expectations: [(TensorCodecError, String)] = [
            (.headerTooLarge(length: 1 << 40, limit: 100), "length 1099511627776 exceeds the limit of 100 bytes"),
            (.malformedHeader("no brace"), "malformed safetensors header: no brace"),
            (.invalidShape(tensor: "video", reason: "dimension 0 is -1"), "tensor 'video' has an invalid shape: dimension 0 is -1"),
            (.invalidDataOffsets(tensor: "seeds", reason: "r"), "tensor 'seeds' has invalid data_offsets: r"),
            (.tensorSizeMismatch(tensor: "t", expected: 8, actual: 4), "'t' spans 4 bytes but its dtype and shape need 8"),
            (.overlappingTensors("a", "b"), "tensors 'a' and 'b' overlap"),
            (.invalidMetadata("m"), "invalid __metadata__: m"),
            (.invalidTensor(name: "t", reason: "r"), "cannot write tensor 't': r"),
            (.invalidDimension(name: "frames", value: 0), "frames must be at least 1, got 0"),
            (.zstd("corrupt input"), "zstd: corrupt input"),
            (.png("IDAT: CRC error"), "PNG: IDAT: CRC error"),
            (.jpeg("Premature end of JPEG file"), "JPEG: Premature end of JPEG file"),
            (.unknownImageFormat(leadingBytes: [0x47, 0x49, 0x46, 0x0A]), "not a PNG or JPEG file (it starts with 47 49 46 0A)"),
            (.invalidImageDimensions(width: 0, height: 9), "0x9"),
            (.pixelBufferSize(expected: 3, actual: 2), "2 bytes, expected 3"),
        ]
        for (error, text) in expectations {
            #expect(error.description.contains(text), "\(caseName(error)): \(error.description)")
        }
    }
}
