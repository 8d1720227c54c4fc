/// Limits for one HTTP/1.1 request, all in bytes except `maxHeaderCount`.
public struct HTTP1Limits: Sendable, Equatable {
    public var maxRequestLineBytes: Int
    public var maxHeaderBytes: Int
    public var maxHeaderCount: Int
    public var maxBodyBytes: Int
    public init(maxRequestLineBytes: Int = 8192, maxHeaderBytes: Int = 16384, maxHeaderCount: Int = 100,
                maxBodyBytes: Int = 1 << 20) {
        self.maxRequestLineBytes = maxRequestLineBytes
        self.maxHeaderBytes = maxHeaderBytes
        self.maxHeaderCount = maxHeaderCount
        self.maxBodyBytes = maxBodyBytes
    }
}

public struct HTTP1RequestHead: Sendable, Equatable {
    public var method: String
    public var target: String
    public var version: HTTPVersion
    public var headers: HTTPHeaders
    /// After this request the connection stays open (HTTP/1.1 unless `Connection: close`;
    /// HTTP/1.0 only with `Connection: keep-alive`).
    public var keepAlive: Bool
    /// `Expect: 100-continue` with a body to come.
    public var expectsContinue: Bool
}

public enum HTTP1ParseError: Error, Equatable, Sendable {
    case badRequest(String)
    case requestLineTooLong
    case headersTooLarge
    case bodyTooLarge
    case unsupportedTransferEncoding
    case versionNotSupported

    /// The status to answer with before closing the connection.
    public var status: Int {
        switch self {
        case .badRequest: 400
        case .requestLineTooLong: 414
        case .headersTooLarge: 431
        case .bodyTooLarge: 413
        case .unsupportedTransferEncoding: 501
        case .versionNotSupported: 505
        }
    }
}

public enum HTTP1ParseEvent: Equatable, Sendable {
    /// The request head is complete (the body, if any, follows).
    case head(HTTP1RequestHead)
    /// The whole request, body included, has arrived.
    case complete(body: [UInt8])
    /// The request is malformed or over a limit; answer `error.status` and close.
    case error(HTTP1ParseError)
}

/// A pure, incremental HTTP/1.1 request parser (RFC 9112): a state machine over bytes with no
/// I/O, fed whatever arrived. Each `parse` call consumes bytes up to and including the next
/// event and returns; call again with the rest. After `.complete` it is ready for the next
/// request on the connection (keep-alive, pipelining). After `.error` it stays failed.
///
/// Bodies: `Content-Length` or `Transfer-Encoding: chunked` (trailers are read and dropped);
/// neither means no body. Both at once, bad lengths, obs-fold and control characters are 400.
public struct HTTP1RequestParser: Sendable {
    private enum State: Sendable, Equatable {
        case requestLine
        case headers
        case body(remaining: Int)
        case chunkSize
        case chunkData(remaining: Int)
        case chunkDataEnd
        case trailers
        case failed(HTTP1ParseError)
    }

    public let limits: HTTP1Limits
    private var state: State = .requestLine
    private var line: [UInt8] = []
    private var headerBytes = 0
    private var head: HTTP1RequestHead?
    private var headers = HTTPHeaders()
    private var method = ""
    private var target = ""
    private var version = HTTPVersion.http1_1
    private var body: [UInt8] = []
    private var methodComplete = false
    /// True once any byte of the current request has arrived (for slow-sender timeouts).
    public private(set) var requestInProgress = false

    public init(limits: HTTP1Limits = HTTP1Limits()) { self.limits = limits }

    public mutating func parse(_ bytes: [UInt8]) -> (consumed: Int, event: HTTP1ParseEvent?) {
        bytes.withUnsafeBytes { parse($0) }
    }

    public mutating func parse(_ bytes: UnsafeRawBufferPointer) -> (consumed: Int, event: HTTP1ParseEvent?) {
        var i = 0
        let n = bytes.count
        while i < n {
            switch state {
            case let .failed(e):
                return (0, .error(e))
            case .requestLine, .headers, .chunkSize, .trailers, .chunkDataEnd:
                let byte = bytes[i]
                i += 1
                if byte != UInt8(ascii: "\n") {
                    if state == .requestLine {
                        if !requestInProgress && byte != UInt8(ascii: "\r") { requestInProgress = true }
                        // Reject garbage (a TLS ClientHello, binary junk) at the first byte
                        // that cannot be part of a method, instead of waiting for a line end.
                        if !methodComplete {
                            if byte == UInt8(ascii: " ") { methodComplete = true }
                            else if !Self.isTokenChar(byte) && !(byte == UInt8(ascii: "\r") && line.isEmpty) {
                                return (i, fail(.badRequest("bad method")))
                            }
                        }
                    }
                    line.append(byte)
                    if let e = checkLineLimit() { return (i, fail(e)) }
                    continue
                }
                if line.last == UInt8(ascii: "\r") { line.removeLast() }
                let event = endOfLine()
                line.removeAll(keepingCapacity: true)
                if let event { return (i, event) }
            case let .body(remaining):
                let take = min(remaining, n - i)
                body.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[i..<(i + take)]))
                i += take
                if remaining - take == 0 { return (i, finishMessage()) }
                state = .body(remaining: remaining - take)
            case let .chunkData(remaining):
                let take = min(remaining, n - i)
                body.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[i..<(i + take)]))
                i += take
                state = remaining - take == 0 ? .chunkDataEnd : .chunkData(remaining: remaining - take)
            }
        }
        if case let .failed(e) = state { return (n, .error(e)) }
        return (n, nil)
    }

    private mutating func fail(_ e: HTTP1ParseError) -> HTTP1ParseEvent {
        state = .failed(e)
        line = []
        body = []
        return .error(e)
    }

    private func checkLineLimit() -> HTTP1ParseError? {
        switch state {
        case .requestLine:
            return line.count > limits.maxRequestLineBytes ? .requestLineTooLong : nil
        case .headers, .trailers:
            return headerBytes + line.count > limits.maxHeaderBytes ? .headersTooLarge : nil
        case .chunkSize, .chunkDataEnd:
            return line.count > 1024 ? .badRequest("chunk size line too long") : nil
        default:
            return nil
        }
    }

    private mutating func endOfLine() -> HTTP1ParseEvent? {
        switch state {
        case .requestLine:
            if line.isEmpty { return nil }   // RFC 9112 §2.2: ignore empty lines before a request
            requestInProgress = true
            if let e = parseRequestLine() { return fail(e) }
            state = .headers
            return nil
        case .headers:
            headerBytes += line.count + 2
            if line.isEmpty { return endOfHeaders() }
            if let e = parseHeaderLine(into: &headers) { return fail(e) }
            if headers.count > limits.maxHeaderCount { return fail(.headersTooLarge) }
            return nil
        case .chunkSize:
            var size = 0
            var digits = 0
            for b in line {
                guard let d = Self.hexValue(b) else {
                    if b == UInt8(ascii: ";") || b == UInt8(ascii: " ") || b == UInt8(ascii: "\t") { break }
                    return fail(.badRequest("bad chunk size"))
                }
                digits += 1
                if digits > 15 { return fail(.bodyTooLarge) }
                size = size * 16 + Int(d)
            }
            if digits == 0 { return fail(.badRequest("bad chunk size")) }
            if size == 0 { state = .trailers; return nil }
            if body.count + size > limits.maxBodyBytes { return fail(.bodyTooLarge) }
            state = .chunkData(remaining: size)
            return nil
        case .chunkDataEnd:
            if !line.isEmpty { return fail(.badRequest("chunk not followed by CRLF")) }
            state = .chunkSize
            return nil
        case .trailers:
            headerBytes += line.count + 2
            if line.isEmpty { return finishMessage() }
            var trailers = HTTPHeaders()
            if let e = parseHeaderLine(into: &trailers) { return fail(e) }
            return nil
        default:
            return nil
        }
    }

    private mutating func parseRequestLine() -> HTTP1ParseError? {
        let parts = line.split(separator: UInt8(ascii: " "), omittingEmptySubsequences: false)
        guard parts.count == 3, !parts[0].isEmpty, !parts[1].isEmpty else {
            return .badRequest("malformed request line")
        }
        guard parts[0].allSatisfy(Self.isTokenChar) else { return .badRequest("bad method") }
        guard parts[1].allSatisfy({ $0 > 0x20 && $0 != 0x7f }) else { return .badRequest("bad request target") }
        switch Array(parts[2]) {
        case Array("HTTP/1.1".utf8): version = .http1_1
        case Array("HTTP/1.0".utf8): version = .http1_0
        case let v where v.count == 8 && v.starts(with: Array("HTTP/".utf8)) && v[6] == UInt8(ascii: "."):
            return .versionNotSupported
        default: return .badRequest("bad HTTP version")
        }
        method = String(decoding: parts[0], as: UTF8.self)
        target = String(decoding: parts[1], as: UTF8.self)
        return nil
    }

    private func parseHeaderLine(into fields: inout HTTPHeaders) -> HTTP1ParseError? {
        guard let first = line.first else { return .badRequest("empty header line") }
        if first == UInt8(ascii: " ") || first == UInt8(ascii: "\t") { return .badRequest("obsolete line folding") }
        guard let colon = line.firstIndex(of: UInt8(ascii: ":")), colon > 0 else {
            return .badRequest("header line without colon")
        }
        let name = line[..<colon]
        guard name.allSatisfy(Self.isTokenChar) else { return .badRequest("bad header name") }
        var value = line[(colon + 1)...]
        while let f = value.first, f == 0x20 || f == 0x09 { value = value.dropFirst() }
        while let l = value.last, l == 0x20 || l == 0x09 { value = value.dropLast() }
        guard value.allSatisfy({ $0 == 0x09 || ($0 >= 0x20 && $0 != 0x7f) }) else {
            return .badRequest("control character in header value")
        }
        fields.add(name: String(decoding: name, as: UTF8.self), value: String(decoding: value, as: UTF8.self))
        return nil
    }

    private mutating func endOfHeaders() -> HTTP1ParseEvent? {
        let connection = headers.values(for: "connection").flatMap {
            $0.lowercased().split(separator: ",").map { $0.trimmingOWS() }
        }
        let keepAlive = version == .http1_1 ? !connection.contains("close") : connection.contains("keep-alive")
        if version == .http1_1 && headers.values(for: "host").count != 1 {
            return fail(.badRequest("HTTP/1.1 request needs exactly one Host header"))
        }
        let te = headers.values(for: "transfer-encoding")
        let cl = headers.values(for: "content-length")
        var bodyState: State?
        if !te.isEmpty {
            if !cl.isEmpty { return fail(.badRequest("both Transfer-Encoding and Content-Length")) }
            if version == .http1_0 { return fail(.badRequest("Transfer-Encoding in HTTP/1.0")) }
            let codings = te.flatMap { $0.lowercased().split(separator: ",").map { $0.trimmingOWS() } }
            guard codings == ["chunked"] else { return fail(.unsupportedTransferEncoding) }
            bodyState = .chunkSize
        } else if !cl.isEmpty {
            let values = Set(cl.flatMap { $0.split(separator: ",").map { $0.trimmingOWS() } })
            guard values.count == 1, let v = values.first, !v.isEmpty, v.count <= 15,
                  v.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }), let length = Int(v) else {
                return fail(.badRequest("bad Content-Length"))
            }
            if length > limits.maxBodyBytes { return fail(.bodyTooLarge) }
            if length > 0 { bodyState = .body(remaining: length) }
        }
        let expects = bodyState != nil && headers["expect"]?.lowercased() == "100-continue"
        let h = HTTP1RequestHead(method: method, target: target, version: version, headers: headers,
                                 keepAlive: keepAlive, expectsContinue: expects)
        head = h
        if let bodyState {
            body.reserveCapacity(min(limits.maxBodyBytes, 64 * 1024))
            state = bodyState
            return .head(h)
        }
        // No body: report the head now; the next parse call (even with no bytes) completes it.
        state = .body(remaining: 0)
        return .head(h)
    }

    /// After `.head` of a request without body the caller calls this (or `parse` with more
    /// bytes) to receive `.complete`.
    public mutating func completeIfBodyless() -> HTTP1ParseEvent? {
        if case .body(remaining: 0) = state { return finishMessage() }
        return nil
    }

    private mutating func finishMessage() -> HTTP1ParseEvent {
        let b = body
        state = .requestLine
        body = []
        line = []
        headers = HTTPHeaders()
        headerBytes = 0
        head = nil
        requestInProgress = false
        methodComplete = false
        return .complete(body: b)
    }

    private static func hexValue(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): c - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): c - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): c - UInt8(ascii: "A") + 10
        default: nil
        }
    }

    private static func isTokenChar(_ c: UInt8) -> Bool {
        switch c {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
             UInt8(ascii: "0")...UInt8(ascii: "9"):
            return true
        default:
            return Array("!#$%&'*+-.^_`|~".utf8).contains(c)
        }
    }
}

extension StringProtocol {
    /// Drops leading and trailing spaces and tabs (HTTP's optional whitespace).
    func trimmingOWS() -> String {
        var s = Substring(self)
        while let f = s.first, f == " " || f == "\t" { s = s.dropFirst() }
        while let l = s.last, l == " " || l == "\t" { s = s.dropLast() }
        return String(s)
    }
}
