import Foundation
import Testing
@testable import TensorCodec

struct HeaderJSONWriterTests {
    @Test func writesCompactDeterministicJSON() {
        let json = HeaderJSONWriter.encode(
            [.init(spec: TensorSpec(name: "t", dtype: .u8, shape: [2, 3]), offsets: 0..<6),
             .init(spec: TensorSpec(name: "s", dtype: .u64, shape: []), offsets: 6..<14)],
            metadata: ["b": "x\"y", "a": "1"])
        #expect(String(decoding: json, as: UTF8.self) == #"{"__metadata__":{"a":"1","b":"x\"y"},"#
            + #""t":{"dtype":"U8","shape":[2,3],"data_offsets":[0,6]},"#
            + #""s":{"dtype":"U64","shape":[],"data_offsets":[6,14]}}"#)
    }

    @Test func omitsEmptyMetadata() {
        let json = HeaderJSONWriter.encode([], metadata: [:])
        #expect(String(decoding: json, as: UTF8.self) == "{}")
    }

    @Test func escapesQuotesBackslashesAndControlCharacters() {
        var out: [UInt8] = []
        HeaderJSONWriter.appendString("a\"b\\c\nd\re\tf\u{08}g\u{0C}h\u{01}i\u{1F}j\u{7F}é", to: &out)
        #expect(String(decoding: out, as: UTF8.self)
            == #""a\"b\\c\nd\re\tf\bg\fh\u0001i\u001fj"# + "\u{7F}é\"")
    }

    @Test(arguments: [
        "", "plain", "quote \" and backslash \\ and slash /", "line\nbreak\r\n\ttab",
        "controls \u{00}\u{01}\u{1B}\u{1F}", "unicode é ü 漢字 🎞️ \u{2028}\u{2029}",
        #"{"stage":"moving-circles","objects":{"min":1,"max":[2.5,"\\n"]}}"#,
    ])
    func everyStringRoundTripsThroughAJSONParser(_ value: String) throws {
        var out: [UInt8] = []
        HeaderJSONWriter.appendString(value, to: &out)
        let parsed = try JSONSerialization.jsonObject(with: Data(out), options: .fragmentsAllowed)
        #expect(parsed as? String == value)
    }
}
