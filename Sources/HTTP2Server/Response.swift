/// What a handler answers. Build one with `.bytes`, `.deferred`, `.stream` or `.empty`.
public struct Response: Sendable {
    public var status: Int
    /// Do not set content-length or transfer-encoding: the server does.
    public var headers: HTTPHeaders
    public var body: Body
    /// Called once, on the connection's queue, when the exchange ends (keep it cheap, or hop
    /// elsewhere). Not called for requests rejected before routing.
    public var onCompletion: (@Sendable (ResponseCompletion) -> Void)?

    public enum Body: Sendable {
        /// Bytes already in hand.
        case bytes([UInt8])
        /// Produced on the worker pool: `produce` runs there and calls `finish` exactly once,
        /// on any thread and possibly later (after an asynchronous step such as a durable log
        /// write, without holding the worker). Headers go out when it finishes, with the
        /// `DeferredBody`'s headers added (so a failure with an `HTTPError` can still choose the
        /// status). Refused with 503 + Retry-After when the pool or the connection's job quota is full.
        case deferred(@Sendable (_ finish: @escaping @Sendable (Result<DeferredBody, any Error>) -> Void) -> Void)
        /// Pulled chunk by chunk on the worker pool, each chunk only when the connection has
        /// flow-control window and buffer room for more; `nil` ends the body.
        case stream(ResponseStream)
    }

    public init(status: Int, headers: HTTPHeaders = [:], body: Body = .bytes([]),
                onCompletion: (@Sendable (ResponseCompletion) -> Void)? = nil) {
        self.status = status
        self.headers = headers
        self.body = body
        self.onCompletion = onCompletion
    }

    public static func bytes(status: Int = 200, headers: HTTPHeaders = [:], _ body: [UInt8]) -> Response {
        Response(status: status, headers: headers, body: .bytes(body))
    }
    public static func text(status: Int = 200, _ text: String) -> Response {
        Response(status: status, headers: ["content-type": "text/plain; charset=utf-8"],
                 body: .bytes(Array(text.utf8)))
    }
    public static func empty(status: Int = 204, headers: HTTPHeaders = [:]) -> Response {
        Response(status: status, headers: headers, body: .bytes([]))
    }
    /// A deferred body computed by one synchronous call on the worker pool.
    public static func deferred(status: Int = 200, headers: HTTPHeaders = [:],
                                _ produce: @escaping @Sendable () throws -> [UInt8]) -> Response {
        Response(status: status, headers: headers, body: .deferred { finish in
            finish(Result { DeferredBody(bytes: try produce()) })
        })
    }
    public static func stream(status: Int = 200, headers: HTTPHeaders = [:],
                              _ next: @escaping @Sendable (StreamContext) throws -> [UInt8]?) -> Response {
        Response(status: status, headers: headers, body: .stream(ResponseStream(next)))
    }

    /// Returns a copy whose `onCompletion` is `callback`.
    public func onCompletion(_ callback: @escaping @Sendable (ResponseCompletion) -> Void) -> Response {
        var r = self
        r.onCompletion = callback
        return r
    }
}

/// What a deferred body finishes with: the bytes and any headers known only once they exist
/// (timings, digests).
public struct DeferredBody: Sendable {
    public var headers: HTTPHeaders
    public var bytes: [UInt8]
    public init(headers: HTTPHeaders = [:], bytes: [UInt8]) {
        self.headers = headers
        self.bytes = bytes
    }
}

/// A pull-based body. `next` runs on the worker pool, never twice at once for one response,
/// and only when the previous chunk has been handed to the connection and there is room.
public struct ResponseStream: Sendable {
    public let next: @Sendable (StreamContext) throws -> [UInt8]?
    public init(_ next: @escaping @Sendable (StreamContext) throws -> [UInt8]?) { self.next = next }
}

/// Handed to a stream producer: tells it whether the client went away (stream reset,
/// connection closed, server forced shutdown) so it can stop early.
public final class StreamContext: Sendable {
    private let flag = LockedValue(false)
    private let handlers = LockedValue<[@Sendable () -> Void]>([])

    public init() {}
    /// True once the client has gone away; any chunk returned after that is dropped.
    public var isCancelled: Bool { flag.withLock { $0 } }
    /// Runs `handler` once when the client goes away (at once if it already has). Called on
    /// the connection's queue.
    public func onCancel(_ handler: @escaping @Sendable () -> Void) {
        let runNow = flag.withLock { cancelled -> Bool in
            if !cancelled { handlers.withLock { $0.append(handler) } }
            return cancelled
        }
        if runNow { handler() }
    }
    func cancel() {
        let already = flag.withLock { v -> Bool in let old = v; v = true; return old }
        guard !already else { return }
        let hs = handlers.withLock { h -> [@Sendable () -> Void] in let r = h; h = []; return r }
        for h in hs { h() }
    }
}

/// How an exchange ended, for metrics and provenance.
public struct ResponseCompletion: Sendable {
    public enum Outcome: Sendable, Equatable {
        /// Every byte of the body (and the end of the stream) was handed to the connection's
        /// output; a connection that dies at that moment may still lose the tail.
        case completed
        /// The client reset the stream (HTTP/2 error code) before the body was sent.
        case reset(errorCode: UInt32)
        /// The connection closed before the body was sent.
        case connectionClosed
        /// The body producer threw after headers were sent.
        case failed
    }
    public var status: Int
    /// Body bytes handed to the connection (not counting headers or framing).
    public var bodyBytesSent: Int
    public var outcome: Outcome
    public var method: String
    public var path: String
}
