/// Timestamps as the store writes them: RFC 3339, UTC, millisecond precision, fixed width
/// (`2025-01-31T23:59:59.123Z`). Fixed width makes text order equal time order, so `since` and
/// `until` filters compare text and a date prefix (`2025-01-31`) works as a bound.
public enum Timestamp {
    /// The current time.
    public static func now() -> String {
        format(unixMilliseconds: SystemClock.unixMilliseconds())
    }

    /// `milliseconds` since 1970-01-01T00:00:00Z (non-negative) as a timestamp.
    public static func format(unixMilliseconds milliseconds: Int64) -> String {
        let clamped = max(0, milliseconds)
        let t = SystemClock.utc(clamped / 1000)
        return pad(t.year, 4) + "-" + pad(t.month, 2) + "-" + pad(t.day, 2) + "T" + pad(t.hour, 2) + ":"
            + pad(t.minute, 2) + ":" + pad(t.second, 2) + "." + pad(Int(clamped % 1000), 3) + "Z"
    }

    /// True for a full timestamp in the store's format or any prefix of one that ends on a
    /// field boundary (`2025`, `2025-01-31`, `2025-01-31T23:59`, …): the bounds a filter accepts.
    public static func isValidBound(_ text: String) -> Bool {
        let template = Array("0000-00-00T00:00:00.000Z".utf8)
        let bytes = Array(text.utf8)
        guard !bytes.isEmpty, bytes.count <= template.count else { return false }
        for (byte, expected) in zip(bytes, template) {
            if expected == UInt8(ascii: "0") {
                guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return false }
            } else if byte != expected {
                return false
            }
        }
        return [4, 7, 10, 13, 16, 19, 23, 24].contains(bytes.count)
    }

    /// True for a full timestamp in the store's format.
    public static func isValid(_ text: String) -> Bool {
        text.utf8.count == 24 && isValidBound(text)
    }

    private static func pad(_ value: Int, _ width: Int) -> String {
        let digits = String(value)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }
}
