import Testing
@testable import SyntheticVideo

/// `JSONValue.canonicalText` (what the configuration hash covers) and the strict `JSONParser`
/// that reads user-supplied configurations.
@Suite struct JSONTests {
    // MARK: Canonical text

    static let canonicalCases: [(JSONValue, String)] = [
        (.null, "null"),
        (.bool(true), "true"),
        (.bool(false), "false"),
        (.integer(3), "3"),
        (.integer(0), "0"),
        (.integer(-42), "-42"),
        (.integer(.max), "9223372036854775807"),
        (.integer(.min), "-9223372036854775808"),
        // Doubles always carry a fraction or an exponent, so 3 and 3.0 hash differently
        // (integer fields and number fields never mix: see ConfigurationTests).
        (.number(3.0), "3.0"),
        (.number(0.005), "0.005"),
        (.number(0.1), "0.1"),
        (.number(1.2), "1.2"),
        (.number(-2.5), "-2.5"),
        (.number(-0.0), "-0.0"),
        (.number(1.0 / 3), "0.3333333333333333"),
        (.number(1e-7), "1e-07"),
        (.number(1e16), "1e+16"),
        (.number(123_456_789.0), "123456789.0"),
        (.number(.leastNonzeroMagnitude), "5e-324"),
        (.number(.greatestFiniteMagnitude), "1.7976931348623157e+308"),
        (.string(""), "\"\""),
        (.string("plain"), "\"plain\""),
        (.string("a\"b"), "\"a\\\"b\""),
        (.string("back\\slash"), "\"back\\\\slash\""),
        (.string("/"), "\"/\""),
        (.string("\n\r\t"), "\"\\n\\r\\t\""),
        (.string("\u{0}\u{1}\u{8}\u{C}\u{1F}"), "\"\\u0000\\u0001\\u0008\\u000c\\u001f\""),
        (.string("\u{7F}"), "\"\u{7F}\""),
        (.string("é ü ß 中文 😀 \u{2028}"), "\"é ü ß 中文 😀 \u{2028}\""),
        (.array([]), "[]"),
        (.object([:]), "{}"),
        (.array([.integer(1), .number(2.5), .null, .string("x"), .array([.bool(true)])]), "[1,2.5,null,\"x\",[true]]"),
        (.object(["b": .array([.integer(1), .object(["d": .null, "c": .bool(true)])]), "a": .string("x")]),
         "{\"a\":\"x\",\"b\":[1,{\"c\":true,\"d\":null}]}"),
    ]

    @Test(arguments: 0..<canonicalCases.count)
    func canonicalText(caseIndex: Int) throws {
        let (value, text) = Self.canonicalCases[caseIndex]
        #expect(value.canonicalText == text)
        // And the canonical text reads back as the same value.
        #expect(try JSONParser.parse(text) == value)
    }

    @Test func objectKeysAreSortedByUTF8Bytes() {
        let keys = ["b", "a", "B", "é", "z", "aa", "", "a b", "_", "0", "\u{FF61}", "😀", "Z"]
        let object = JSONValue.object(Dictionary(uniqueKeysWithValues: keys.enumerated().map { ($1, .integer(Int64($0))) }))
        // Byte order: "" < "0" < "B" < "Z" < "_" < "a" < "a b" < "aa" < "b" < "z" < "é" (C3 A9)
        // < "｡" (EF BD A1) < "😀" (F0 9F 98 80). UTF-16 order would put 😀 (D83D) before ｡ (FF61),
        // and a case-insensitive order would mix "B" with "b".
        let expected = "{\"\":6,\"0\":9,\"B\":2,\"Z\":12,\"_\":8,\"a\":1,\"a b\":7,\"aa\":5,\"b\":0,\"z\":4,\"é\":3,\"｡\":10,\"😀\":11}"
        #expect(object.canonicalText == expected)
    }

    @Test func canonicalTextIsIndependentOfInsertionOrder() {
        var a: [String: JSONValue] = [:]
        var b: [String: JSONValue] = [:]
        let names = (0..<200).map { "key\($0 * 7919 % 1000)" }
        for (i, name) in names.enumerated() { a[name] = .integer(Int64(i)) }
        for (i, name) in names.enumerated().reversed() { b[name] = .integer(Int64(i)) }
        #expect(JSONValue.object(a).canonicalText == JSONValue.object(b).canonicalText)
    }

    // MARK: Parser: valid documents

    static let validCases: [(String, JSONValue)] = [
        ("null", .null),
        (" \t\r\n true \n", .bool(true)),
        ("false", .bool(false)),
        ("0", .integer(0)),
        ("-0", .integer(0)),
        ("3", .integer(3)),
        ("-17", .integer(-17)),
        ("9223372036854775807", .integer(.max)),
        ("-9223372036854775808", .integer(.min)),
        // Past Int64: a Double (correctly rounded), not an error.
        ("9223372036854775808", .number(9_223_372_036_854_775_808.0)),
        ("3.0", .number(3)),
        ("1e2", .number(100)),
        ("1E+2", .number(100)),
        ("-1.5e-3", .number(-0.0015)),
        ("0.005", .number(0.005)),
        ("-0.0", .number(-0.0)),
        ("1e308", .number(1e308)),
        // Underflow rounds to zero (only overflow is out of range).
        ("1e-400", .number(0)),
        ("\"\"", .string("")),
        ("\"a\\\"b\\\\c\\/d\"", .string("a\"b\\c/d")),
        ("\"\\b\\f\\n\\r\\t\"", .string("\u{8}\u{C}\n\r\t")),
        ("\"\\u00e9\\u00E9\\u4e2d\\u0000\"", .string("éé中\u{0}")),
        ("\"é😀\"", .string("é😀")),
        // Surrogate pairs, lower- and upper-case hex.
        ("\"\\ud83d\\ude00\"", .string("😀")),
        ("\"\\uD834\\uDD1E\"", .string("𝄞")),
        ("\"\\udbff\\udfff\"", .string("\u{10FFFF}")),
        ("[]", .array([])),
        ("[ ]", .array([])),
        ("{}", .object([:])),
        ("{ }", .object([:])),
        ("[1, 2.5 ,\"x\" , null,[true]]", .array([.integer(1), .number(2.5), .string("x"), .null, .array([.bool(true)])])),
        ("{\"speed\": [0.6, 1.5], \"objects\": 100, \"shapes\": [\"circle\"], \"x\": {\"y\": {}}}",
         .object(["speed": .array([.number(0.6), .number(1.5)]), "objects": .integer(100),
                  "shapes": .array([.string("circle")]), "x": .object(["y": .object([:])])])),
    ]

    @Test(arguments: 0..<validCases.count)
    func parsesValidDocuments(caseIndex: Int) throws {
        let (text, expected) = Self.validCases[caseIndex]
        let value = try JSONParser.parse(text)
        #expect(value == expected, "\(text)")
        // Kinds are kept apart: 3 is an integer, 3.0 a number (Hashable equality would not tell).
        #expect(sameKinds(value, expected), "\(text)")
        // Round trip: canonical text → parse gives the same value, and canonical text is a
        // fixed point.
        let canonical = value.canonicalText
        let again = try JSONParser.parse(canonical)
        #expect(again == value && sameKinds(again, value))
        #expect(again.canonicalText == canonical)
    }

    @Test func roundTripOfGeneratedDocuments() throws {
        // Deterministic pseudo-random documents of every kind, nested up to depth 6.
        let rng = CounterRandom(scene: SceneDigest(sha256: [UInt8](repeating: 7, count: 32)), seed: 0, purpose: .object)
        var position: UInt64 = 0
        func next(_ range: ClosedRange<Int>) -> Int {
            defer { position += 1 }
            return rng.integer(position, in: range)
        }
        let alphabet: [Character] = ["a", "Z", "\"", "\\", "\n", "\u{1}", "é", "😀", " ", "/", "\u{7F}"]
        func make(_ depth: Int) -> JSONValue {
            switch next(0...(depth < 6 ? 7 : 5)) {
            case 0: return .null
            case 1: return .bool(next(0...1) == 1)
            case 2: return .integer(Int64(next(-1_000_000...1_000_000)) * Int64(next(1...9_000_000)))
            case 3:
                let mantissa = Double(next(-1_000_000...1_000_000)) / 997
                return .number(mantissa * [1e-30, 1e-3, 1, 1e5, 1e20][next(0...4)])
            case 4, 5: return .string(String((0..<next(0...8)).map { _ in alphabet[next(0...(alphabet.count - 1))] }))
            case 6: return .array((0..<next(0...4)).map { _ in make(depth + 1) })
            default:
                var members: [String: JSONValue] = [:]
                for _ in 0..<next(0...4) {
                    members[String((0..<next(0...5)).map { _ in alphabet[next(0...(alphabet.count - 1))] })] = make(depth + 1)
                }
                return .object(members)
            }
        }
        for _ in 0..<500 {
            let value = make(0)
            let text = value.canonicalText
            let parsed = try JSONParser.parse(text)
            #expect(parsed == value && sameKinds(parsed, value), "\(text)")
            #expect(parsed.canonicalText == text)
        }
    }

    // MARK: Parser: malformed documents

    static let malformedCases: [(String, String)] = [
        ("", "empty input"),
        ("   ", "only whitespace"),
        ("[1,]", "trailing comma in an array"),
        ("{\"a\":1,}", "trailing comma in an object"),
        ("[,1]", "leading comma"),
        ("[1,,2]", "double comma"),
        ("[1 2]", "missing comma"),
        ("{\"a\":1 \"b\":2}", "missing comma between members"),
        ("{\"a\" 1}", "missing colon"),
        ("{\"a\":}", "missing value"),
        ("{a:1}", "unquoted key"),
        ("{1:1}", "number key"),
        ("{'a':1}", "single quotes"),
        ("[", "unterminated array"),
        ("{", "unterminated object"),
        ("{\"a\":1", "unterminated object after a member"),
        ("]", "stray bracket"),
        ("[1]]", "text after the value"),
        ("{}x", "text after the value"),
        ("1 2", "two values"),
        ("\"abc", "unterminated string"),
        ("\"abc\\", "unterminated escape"),
        ("\"\\x\"", "bad escape"),
        ("\"\\U0041\"", "upper-case \\U"),
        ("\"\\u12\"", "short \\u escape"),
        ("\"\\u12G4\"", "non-hex \\u escape"),
        ("\"a\nb\"", "raw newline in a string"),
        ("\"a\tb\"", "raw tab in a string"),
        ("\"\u{1}\"", "raw control character in a string"),
        ("\"\\ud83d\"", "lone high surrogate"),
        ("\"\\ud83dx\"", "high surrogate followed by text"),
        ("\"\\ud83d\\u0041\"", "high surrogate followed by a non-surrogate"),
        ("\"\\ud83d\\ud83d\"", "two high surrogates"),
        ("\"\\ude00\"", "lone low surrogate"),
        // "01": the parser reads the number 0 (a leading zero ends the integer part) and then
        // rejects the rest as text after the value; inside an array it is a missing comma.
        ("01", "leading zero"),
        ("[01]", "leading zero in an array"),
        ("-01", "negative leading zero"),
        ("00", "double zero"),
        ("-", "lone minus"),
        ("-a", "minus without digits"),
        ("+1", "plus sign"),
        ("1.", "no digits after the point"),
        (".5", "no digits before the point"),
        ("1.e5", "no digits after the point, then an exponent"),
        ("1e", "empty exponent"),
        ("1e+", "empty signed exponent"),
        ("0x10", "hexadecimal"),
        ("NaN", "NaN"),
        ("Infinity", "Infinity"),
        ("-Infinity", "-Infinity"),
        ("1e400", "number out of range"),
        ("-1e400", "negative number out of range"),
        ("[1e309]", "number out of range in an array"),
        ("tru", "truncated true"),
        ("True", "capitalised True"),
        ("nul", "truncated null"),
        ("nulll", "null with extra text"),
        ("\u{FEFF}{}", "byte-order mark (not accepted)"),
        ("[1] // comment", "comment"),
        ("{\"a\":1,\"a\":2}", "duplicate key"),
        ("{\"a\":1,\"b\":{\"c\":1,\"c\":1}}", "nested duplicate key"),
        ("{\"é\":1,\"\\u00e9\":2}", "duplicate key through an escape"),
    ]

    @Test(arguments: 0..<malformedCases.count)
    func rejectsMalformedDocuments(caseIndex: Int) {
        let (text, why) = Self.malformedCases[caseIndex]
        do {
            let value = try JSONParser.parse(text)
            Issue.record("\(why): \(text.debugDescription) parsed as \(value.canonicalText)")
        } catch {
            guard case .malformedJSON(let detail) = error else {
                Issue.record("\(why): \(text.debugDescription) threw \(error), not malformedJSON")
                return
            }
            // The message says where: "… at byte N".
            #expect(detail.contains("at byte "), "\(why): \(detail)")
            #expect(error.description.hasPrefix("malformed JSON configuration: "))
            #expect(error.field == nil)
        }
    }

    @Test func errorMessagesSayWhatAndWhere() {
        func message(_ text: String) -> String {
            do { _ = try JSONParser.parse(text); return "" } catch { return error.description }
        }
        #expect(message("[1,]").contains("at byte 3"))
        #expect(message("{\"a\":1,\"a\":2}").contains("duplicate key \"a\""))
        #expect(message("01").contains("unexpected text after the JSON value at byte 1"))
        #expect(message("1e400").contains("number out of range"))
        #expect(message("\"abc").contains("unterminated string"))
        #expect(message("\"\\q\"").contains("invalid escape"))
    }

    // MARK: Depth

    /// The depth counts values, the root at 0, and a value at depth 32 is rejected: so 32 nested
    /// empty containers pass, but a scalar needs to sit within at most 31 containers. (One level
    /// apart, but consistent: a configuration nests two levels at most.)
    @Test(arguments: [false, true])
    func depthLimit(objects: Bool) throws {
        /// `containers` nested containers around a scalar.
        func nested(_ containers: Int) -> String {
            objects ? String(repeating: "{\"a\":", count: containers) + "1" + String(repeating: "}", count: containers)
                    : String(repeating: "[", count: containers) + "1" + String(repeating: "]", count: containers)
        }
        #expect(JSONParser.maxDepth == 32)
        let deepest = try JSONParser.parse(nested(31))
        #expect(try JSONParser.parse(deepest.canonicalText) == deepest)
        // One more is rejected, as are far deeper ones (early, without a stack overflow).
        for containers in [32, 33, 100, 100_000] {
            let error = #expect(throws: ConfigurationError.self) { try JSONParser.parse(nested(containers)) }
            guard case .malformedJSON(let detail)? = error else { Issue.record("\(String(describing: error))"); continue }
            #expect(detail.contains("nesting deeper than 32"))
        }
    }

    @Test func depthLimitForEmptyContainers() throws {
        // Empty containers hold no value, so 32 of them fit.
        _ = try JSONParser.parse(String(repeating: "[", count: 32) + String(repeating: "]", count: 32))
        _ = try JSONParser.parse(String(repeating: "{\"a\":", count: 31) + "{}" + String(repeating: "}", count: 31))
        #expect(throws: ConfigurationError.self) {
            try JSONParser.parse(String(repeating: "[", count: 33) + String(repeating: "]", count: 33))
        }
    }

    @Test func depthCountsMixedContainers() throws {
        // 15 × [{"k": … }] plus one [0]: 31 containers around a scalar.
        let ok = String(repeating: "[{\"k\":", count: 15) + "[0]" + String(repeating: "}]", count: 15)
        _ = try JSONParser.parse(ok)
        #expect(throws: ConfigurationError.self) { try JSONParser.parse("[" + ok + "]") }
        #expect(throws: ConfigurationError.self) { try JSONParser.parse("{\"k\":" + ok + "}") }
    }
}

/// Whether two equal values also agree on integer vs number at every level (`==` on
/// `JSONValue` treats .integer(3) and .number(3.0) as different already, but this also
/// checks that the parser did not produce a number where an integer was expected).
private func sameKinds(_ a: JSONValue, _ b: JSONValue) -> Bool {
    switch (a, b) {
    case (.null, .null), (.bool, .bool), (.integer, .integer), (.number, .number), (.string, .string): return true
    case (.array(let x), .array(let y)): return x.count == y.count && zip(x, y).allSatisfy(sameKinds)
    case (.object(let x), .object(let y)):
        return x.keys.sorted() == y.keys.sorted() && x.keys.allSatisfy { sameKinds(x[$0]!, y[$0]!) }
    default: return false
    }
}
