#if canImport(Glibc)
import Glibc
#endif

/// The library's one error type. `HTTPServer.init` and `start` throw it.
public enum HTTPServerError: Error, Equatable, CustomStringConvertible {
    case invalidConfiguration(field: String, reason: String)
    case socket(operation: String, errno: Int32)
    case tls(operation: String, detail: String)
    case alreadyStarted

    public var description: String {
        switch self {
        case let .invalidConfiguration(field, reason): return "configuration field \(field) \(reason)"
        case let .socket(op, e): return "\(op) failed: \(String(cString: strerror(e))) (errno \(e))"
        case let .tls(op, detail): return "TLS \(op) failed: \(detail)"
        case .alreadyStarted: return "server already started"
        }
    }
}

/// Throw this from a handler or a `.deferred` / `.stream` body to answer with a given status
/// instead of 500 (for example 400 with a problem+json body). Anything else thrown is logged
/// and answered 500 (or ends the stream with RST_STREAM INTERNAL_ERROR once headers are sent).
public struct HTTPError: Error, Sendable {
    public var status: Int
    public var headers: HTTPHeaders
    public var body: [UInt8]
    public init(status: Int, headers: HTTPHeaders = [:], body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }
    public init(status: Int, message: String) {
        self.init(status: status, headers: ["content-type": "text/plain; charset=utf-8"],
                  body: Array((message + "\n").utf8))
    }
}
