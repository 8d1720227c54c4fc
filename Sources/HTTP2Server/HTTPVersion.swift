public enum HTTPVersion: Sendable, Equatable, CustomStringConvertible {
    case http1_0, http1_1, http2
    public var description: String {
        switch self { case .http1_0: "HTTP/1.0"; case .http1_1: "HTTP/1.1"; case .http2: "HTTP/2" }
    }
}
