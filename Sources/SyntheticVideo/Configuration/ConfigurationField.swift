/// One field of a configuration: its JSON name, type, allowed values and meaning. The table of
/// fields (`Configuration.fields`) is the single place that reads, writes and validates them, for
/// JSON documents, `--set field=value` overrides and query parameters alike.
public struct ConfigurationField: Sendable {
    public enum Kind: Sendable {
        case integer(ClosedRange<Int>)
        case number(ClosedRange<Double>)
        /// Two integers [low, high], low ≤ high, both within the bounds.
        case integerRange(ClosedRange<Int>)
        /// Two numbers [low, high], low ≤ high, both within the bounds.
        case numberRange(ClosedRange<Double>)
        case choice([String])
        /// A set of choices (non-empty unless allowed), written in the order of the options.
        case choiceList([String], allowsEmpty: Bool)
        /// A lower-case hex SHA-256, or the empty string.
        case sha256
    }

    public let name: String
    public let kind: Kind
    public let unit: String
    public let summary: String
    /// Whether the field shapes the scene (and so keys the random streams). Output fields
    /// (resolution, frames, stride, crop) do not: a 128-pixel render is the same scene at half size.
    public let shapesScene: Bool
    /// Whether the field came after the first release: the canonical text omits it at its default.
    public var addedLater = false
    let get: @Sendable (Configuration) -> JSONValue
    let set: @Sendable (inout Configuration, JSONValue) -> Void

    /// The allowed values, as shown to users.
    public var allowed: String {
        switch kind {
        case .integer(let r): return "an integer in \(r.lowerBound)...\(r.upperBound)"
        case .number(let r): return "a number in \(r.lowerBound)...\(r.upperBound)"
        case .integerRange(let r): return "two integers [low, high] with \(r.lowerBound) ≤ low ≤ high ≤ \(r.upperBound)"
        case .numberRange(let r): return "two numbers [low, high] with \(r.lowerBound) ≤ low ≤ high ≤ \(r.upperBound)"
        case .choice(let options): return "one of \(options.joined(separator: ", "))"
        case .choiceList(let options, let allowsEmpty):
            return "a \(allowsEmpty ? "" : "non-empty ")list of distinct values from \(options.joined(separator: ", "))"
        case .sha256: return "64 lower-case hex digits (a SHA-256) or the empty string"
        }
    }

    /// Checks `value` against the field's kind and returns its normal form.
    func validate(_ value: JSONValue) throws(ConfigurationError) -> JSONValue {
        let bad = ConfigurationError.invalidValue(field: name, value: value.canonicalText, allowed: allowed)
        switch kind {
        case .integer(let r):
            guard case .integer(let i) = value, r.contains(Int(clamping: i)) else { throw bad }
            return value
        case .number(let r):
            guard let d = value.numberValue, r.contains(d) else { throw bad }
            return .number(d)
        case .integerRange(let r):
            guard case .array(let items) = value, items.count == 2,
                  case .integer(let lo) = items[0], case .integer(let hi) = items[1],
                  r.contains(Int(clamping: lo)), r.contains(Int(clamping: hi)), lo <= hi else { throw bad }
            return value
        case .numberRange(let r):
            guard case .array(let items) = value, items.count == 2,
                  let lo = items[0].numberValue, let hi = items[1].numberValue,
                  r.contains(lo), r.contains(hi), lo <= hi else { throw bad }
            return .array([.number(lo), .number(hi)])
        case .choice(let options):
            guard case .string(let s) = value, options.contains(s) else { throw bad }
            return value
        case .choiceList(let options, let allowsEmpty):
            guard case .array(let items) = value, allowsEmpty || !items.isEmpty else { throw bad }
            var chosen = Set<String>()
            for item in items {
                guard case .string(let s) = item, options.contains(s), chosen.insert(s).inserted else { throw bad }
            }
            return .array(options.filter(chosen.contains).map(JSONValue.string))
        case .sha256:
            guard case .string(let s) = value,
                  s.isEmpty || (s.utf8.count == 64 && s.utf8.allSatisfy { (48...57).contains($0) || (97...102).contains($0) })
            else { throw bad }
            return value
        }
    }

    /// Reads a value written as text (`--set name=value`, query parameters): integers and
    /// numbers as usual, ranges and lists comma-separated (`0.6,1.5`; one value means [v, v]).
    func parse(text: String) throws(ConfigurationError) -> JSONValue {
        let bad = ConfigurationError.invalidValue(field: name, value: "'\(text)'", allowed: allowed)
        let parts = text.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        // Numbers in text follow JSON's grammar (no "+5", "05" or "0x1p1"), like JSON documents.
        func number(_ s: String) throws(ConfigurationError) -> JSONValue {
            guard let value = try? JSONParser.parse(s), let d = value.numberValue else { throw bad }
            return .number(d)
        }
        func integer(_ s: String) throws(ConfigurationError) -> JSONValue {
            guard case .integer(let i)? = try? JSONParser.parse(s) else { throw bad }
            return .integer(i)
        }
        let value: JSONValue
        switch kind {
        case .integer: value = try integer(text)
        case .number: value = try number(text)
        case .integerRange, .numberRange:
            guard parts.count == 1 || parts.count == 2 else { throw bad }
            var items: [JSONValue] = []
            for part in parts {
                if case .integerRange = kind { items.append(try integer(part)) } else { items.append(try number(part)) }
            }
            value = .array(items.count == 1 ? [items[0], items[0]] : items)
        case .choice, .sha256: value = .string(text)
        case .choiceList: value = .array(text.isEmpty ? [] : parts.map(JSONValue.string))
        }
        return try validate(value)
    }
}
