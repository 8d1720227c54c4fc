import Testing
@testable import TensorCodec

struct DTypeTests {
    @Test func byteSizesMatchTheSafetensorsSpecification() {
        let expected: [String: Int] = [
            "BOOL": 1, "U8": 1, "I8": 1, "F8_E5M2": 1, "F8_E4M3": 1,
            "U16": 2, "I16": 2, "F16": 2, "BF16": 2,
            "U32": 4, "I32": 4, "F32": 4,
            "U64": 8, "I64": 8, "F64": 8,
        ]
        #expect(Set(DType.allCases.map(\.rawValue)) == Set(expected.keys))
        for dtype in DType.allCases {
            #expect(dtype.byteSize == expected[dtype.rawValue], "\(dtype)")
        }
    }

    @Test func rawValuesAreTheHeaderSpellings() {
        #expect(DType(rawValue: "U8") == .u8)
        #expect(DType(rawValue: "I32") == .i32)
        #expect(DType(rawValue: "U64") == .u64)
        #expect(DType(rawValue: "u8") == nil)
        #expect(DType(rawValue: "F4") == nil)
    }
}

struct TensorSpecTests {
    @Test func byteCountIsTheProductOfShapeAndElementSize() {
        #expect(TensorSpec(name: "v", dtype: .u8, shape: [2, 16, 8, 8, 3]).byteCount == 2 * 16 * 8 * 8 * 3)
        #expect(TensorSpec(name: "f", dtype: .i32, shape: [2, 16]).byteCount == 128)
        #expect(TensorSpec(name: "s", dtype: .u64, shape: []).byteCount == 8)
        #expect(TensorSpec(name: "e", dtype: .f32, shape: [3, 0]).byteCount == 0)
    }

    @Test func checkedByteCountRejectsNegativeDimensionsAndOverflow() {
        #expect(TensorSpec(name: "n", dtype: .u8, shape: [2, -1]).checkedByteCount == nil)
        #expect(TensorSpec(name: "o", dtype: .u64, shape: [1 << 31, 1 << 31, 4]).checkedByteCount == nil)
        #expect(TensorSpec(name: "ok", dtype: .u64, shape: [1 << 20, 1 << 20]).checkedByteCount == 8 << 40)
    }
}
