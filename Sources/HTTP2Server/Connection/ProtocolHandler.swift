import Dispatch

/// Monotonic time in nanoseconds; injected so tests can move time.
public protocol ServerClock: Sendable {
    func nowNanoseconds() -> UInt64
}

public struct MonotonicClock: ServerClock {
    public init() {}
    public func nowNanoseconds() -> UInt64 { DispatchTime.now().uptimeNanoseconds }
}

/// Everything connections share: immutable after start.
final class ServerContext: Sendable {
    let configuration: Configuration
    let router: Router
    let pool: WorkerPool
    let logger: any ServerLogger
    let clock: any ServerClock

    init(configuration: Configuration, router: Router, pool: WorkerPool,
         logger: any ServerLogger, clock: any ServerClock) {
        self.configuration = configuration
        self.router = router
        self.pool = pool
        self.logger = logger
        self.clock = clock
    }
}

/// The transport side a protocol handler talks to (the socket connection, or a test pump).
/// Called on the connection's queue.
protocol ConnectionTransport: AnyObject {
    /// New output exists outside a receive/produce cycle (a deferred body finished): flush.
    func outputAvailable()
}

/// One application protocol (HTTP/2 or HTTP/1.1) on one connection. Every method is called on
/// the connection's serial queue.
protocol ProtocolHandler: AnyObject {
    /// Bytes from the peer (already decrypted).
    func receive(_ bytes: UnsafeRawBufferPointer)
    /// Append output until `output` holds `limit` bytes or nothing is ready.
    func produceOutput(into output: ByteBuffer, limit: Int)
    /// More input is welcome (false: pause reading; HTTP/1.1 while a response is pending).
    var wantsRead: Bool { get }
    /// Output is ready to produce now.
    var wantsWrite: Bool { get }
    /// The exchange is over: flush what was produced, then close.
    var isFinished: Bool { get }
    /// Checks idle and slow-sender timeouts against `now` (nanoseconds, from the server clock).
    func tick(now: UInt64)
    /// The peer closed its sending side (read returned 0).
    func inputClosed()
    /// Graceful shutdown: GOAWAY / Connection: close, finish in-flight requests.
    func beginShutdown()
    /// The connection is gone: cancel producers, report completions, free everything.
    func connectionClosed()
}

/// Per-connection bookkeeping of worker-pool jobs, shared by both protocols.
struct JobQuota {
    var inFlight = 0
    let limit: Int
    var available: Bool { inFlight < limit }
}

extension Response {
    static func serviceUnavailable(retryAfter: Int) -> Response {
        var r = Response.text(status: 503, "server busy, retry later")
        r.headers.add(name: "retry-after", value: String(retryAfter))
        return r
    }
}

/// Runs `body` on the pool and delivers its result on `queue`; false when refused.
func submitJob<T: Sendable>(pool: WorkerPool, queue: DispatchQueue, force: Bool = false,
                            _ body: @escaping @Sendable () throws -> T,
                            completion: @escaping @Sendable (Result<T, any Error>) -> Void) -> Bool {
    pool.submit(force: force) {
        let result = Result { try body() }
        queue.async { completion(result) }
    }
}

/// Runs a deferred body's producer on `pool`; its `finish` hops to `queue` (once: later calls
/// are ignored) and calls `completion` there.
func submitDeferred(pool: WorkerPool, queue: DispatchQueue,
                    _ produce: @escaping @Sendable (@escaping @Sendable (Result<DeferredBody, any Error>) -> Void) -> Void,
                    completion: @escaping @Sendable (Result<DeferredBody, any Error>) -> Void) -> Bool {
    pool.submit {
        let finished = LockedValue(false)
        produce { result in
            let first = finished.withLock { done -> Bool in
                defer { done = true }
                return !done
            }
            guard first else { return }
            queue.async { completion(result) }
        }
    }
}
