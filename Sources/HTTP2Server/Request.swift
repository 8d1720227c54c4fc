/// A complete request: the server collects the body (up to `maxRequestBodyBytes`) before it
/// calls the handler.
public struct Request: Sendable {
    public var method: String
    /// The path without the query, still percent-encoded (`/v1/clips/a%20b/1`).
    public var path: String
    /// The raw query after `?`, without decoding; empty when absent.
    public var rawQuery: String
    /// Query items in order, percent-decoded (`+` is a space).
    public var queryItems: [(name: String, value: String)]
    /// Query items by name; for repeated names the last one wins.
    public var query: [String: String]
    /// `{name}` segments of the matched route, percent-decoded.
    public var pathParameters: [String: String]
    public var headers: HTTPHeaders
    public var body: [UInt8]
    /// "ip:port" of the peer ("[ip]:port" for IPv6), or "memory" in tests.
    public var remoteAddress: String
    public var version: HTTPVersion
    /// `:authority` (HTTP/2) or `Host` (HTTP/1.1).
    public var authority: String?
    public var isTLS: Bool

    public init(method: String, target: String, headers: HTTPHeaders = [:], body: [UInt8] = [],
                remoteAddress: String = "memory", version: HTTPVersion = .http2,
                authority: String? = nil, isTLS: Bool = false) {
        self.method = method
        let (p, q) = Request.split(target: target)
        self.path = p
        self.rawQuery = q
        self.queryItems = Request.parseQuery(q)
        var dict: [String: String] = [:]
        for item in queryItems { dict[item.name] = item.value }
        self.query = dict
        self.pathParameters = [:]
        self.headers = headers
        self.body = body
        self.remoteAddress = remoteAddress
        self.version = version
        self.authority = authority
        self.isTLS = isTLS
    }

    static func split(target: String) -> (String, String) {
        guard let q = target.firstIndex(of: "?") else { return (target, "") }
        return (String(target[..<q]), String(target[target.index(after: q)...]))
    }

    static func parseQuery(_ q: String) -> [(name: String, value: String)] {
        guard !q.isEmpty else { return [] }
        return q.split(separator: "&", omittingEmptySubsequences: true).map { part in
            if let eq = part.firstIndex(of: "=") {
                return (percentDecode(part[..<eq], plusIsSpace: true),
                        percentDecode(part[part.index(after: eq)...], plusIsSpace: true))
            }
            return (percentDecode(part, plusIsSpace: true), "")
        }
    }

    /// Percent-decodes; invalid escapes are kept literally; invalid UTF-8 is repaired.
    static func percentDecode<S: StringProtocol>(_ s: S, plusIsSpace: Bool) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(s.utf8.count)
        var it = Array(s.utf8)[...]
        func hex(_ c: UInt8) -> UInt8? {
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): return c - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): return c - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): return c - UInt8(ascii: "A") + 10
            default: return nil
            }
        }
        while let c = it.popFirst() {
            if c == UInt8(ascii: "%"), it.count >= 2, let h = hex(it[it.startIndex]),
               let l = hex(it[it.startIndex + 1]) {
                out.append(h << 4 | l)
                it = it.dropFirst(2)
            } else if plusIsSpace && c == UInt8(ascii: "+") {
                out.append(UInt8(ascii: " "))
            } else {
                out.append(c)
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}
