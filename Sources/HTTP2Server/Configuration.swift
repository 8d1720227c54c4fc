#if canImport(Glibc)
import Glibc
#endif

/// Every limit and knob of the server, with its unit and default. Validated once by
/// `HTTPServer.init`, which throws `HTTPServerError.invalidConfiguration` naming the field.
public struct Configuration: Sendable {
    /// Address to bind, numeric IPv4 or IPv6 ("127.0.0.1", "0.0.0.0", "::"). Default "127.0.0.1".
    public var host: String
    /// TCP port; 0 binds an ephemeral port (read it back from `HTTPServer.boundPort`). Default 8080.
    public var port: Int
    /// Certificate and key: when set, every connection speaks TLS 1.2+ and ALPN picks
    /// `h2` or `http/1.1`. When nil, cleartext: h2c with prior knowledge or HTTP/1.1. Default nil.
    public var tls: TLSConfiguration?

    /// Threads of the bounded worker pool that runs `.deferred` bodies and `.stream` chunks.
    /// Default: one per active core.
    public var workerCount: Int
    /// Jobs that may wait for a worker; a submission past it is refused and the request
    /// answered 503 with Retry-After. Default 64 jobs.
    public var workerQueueCapacity: Int
    /// Jobs one connection may have queued or running on the pool at once (`.deferred` bodies
    /// and `.stream` chunks); past it, 503 + Retry-After. Default 32 jobs: enough to keep every
    /// core busy from one connection, while one client cannot fill the whole queue.
    public var maxJobsPerConnection: Int
    /// Value of the Retry-After header on 503 answers, in seconds. Default 1 s.
    public var retryAfterSeconds: Int

    /// Open connections at once; a connection accepted past it is closed at once and logged.
    /// Default 1024 connections.
    public var maxConnections: Int
    /// listen(2) backlog. Default 511.
    public var listenBacklog: Int
    /// SETTINGS_MAX_CONCURRENT_STREAMS advertised to HTTP/2 clients: requests in flight per
    /// connection. Streams opened past it are refused (RST_STREAM REFUSED_STREAM), which also
    /// hits clients that burst before reading the SETTINGS, so keep it at the common 100 unless
    /// the clients are known. Default 100 streams.
    public var maxConcurrentStreams: Int
    /// Largest request header block (sum of name + value + 32 per field, as RFC 9113 counts),
    /// in bytes; past it: 431 (HTTP/1.1 and HTTP/2, or GOAWAY when HPACK itself gives up).
    /// Also advertised as SETTINGS_MAX_HEADER_LIST_SIZE. Default 16 KiB.
    public var maxHeaderListBytes: Int
    /// Longest HTTP/1.1 request line, in bytes; past it: 414. Default 8 KiB.
    public var maxRequestLineBytes: Int
    /// Most header fields in one request. Past it: 431. Default 100 fields.
    public var maxHeaderCount: Int
    /// Largest request body, in bytes; past it: 413. Default 1 MiB.
    public var maxRequestBodyBytes: Int

    /// A connection with no request in progress and no bytes received for this long is closed
    /// (HTTP/2: GOAWAY NO_ERROR first). Also the stall limit: a connection whose unsent output
    /// has not moved for this long, or an HTTP/2 client with open streams that has sent nothing
    /// (not even WINDOW_UPDATE) for this long while nothing is being produced, is closed.
    /// Default 60 s.
    public var idleTimeout: Duration
    /// Slow senders (slowloris): a request whose head (and body) has started to arrive must be
    /// complete within this time, and a new connection must send its first request head (or
    /// HTTP/2 preface and SETTINGS) within it. Past it: 408 and close (HTTP/1.1),
    /// GOAWAY and close (HTTP/2). Default 10 s.
    public var slowSenderTimeout: Duration
    /// How often each connection checks its timers (the resolution of every timeout above).
    /// Default 500 ms.
    public var timerInterval: Duration
    /// After SIGTERM/SIGINT or `shutdown()`: how long in-flight requests may finish before
    /// connections are closed. Default 10 s.
    public var shutdownGracePeriod: Duration

    /// HTTP/2 SETTINGS_INITIAL_WINDOW_SIZE the server advertises (request bodies), in bytes.
    /// Response throughput follows the *client's* windows; see README notes. Default 1 MiB.
    public var streamWindowBytes: Int
    /// HTTP/2 connection-level receive window, in bytes. Default 16 MiB.
    public var connectionWindowBytes: Int
    /// Most output bytes produced per connection before they are written (backpressure: the
    /// server produces more only once the previous batch is in the kernel). Batches are
    /// 64 KiB, or this when smaller; a batch may overshoot by one HTTP/2 frame. Default 256 KiB.
    public var writeBufferSoftLimit: Int
    /// Size of the per-connection read buffer, in bytes. Default 64 KiB.
    public var readBufferBytes: Int

    public init(host: String = "127.0.0.1", port: Int = 8080, tls: TLSConfiguration? = nil) {
        self.host = host
        self.port = port
        self.tls = tls
        self.workerCount = Configuration.activeCores()
        self.workerQueueCapacity = 64
        self.maxJobsPerConnection = 32
        self.retryAfterSeconds = 1
        self.maxConnections = 1024
        self.listenBacklog = 511
        self.maxConcurrentStreams = 100
        self.maxHeaderListBytes = 16 * 1024
        self.maxRequestLineBytes = 8 * 1024
        self.maxHeaderCount = 100
        self.maxRequestBodyBytes = 1024 * 1024
        self.idleTimeout = .seconds(60)
        self.slowSenderTimeout = .seconds(10)
        self.timerInterval = .milliseconds(500)
        self.shutdownGracePeriod = .seconds(10)
        self.streamWindowBytes = 1024 * 1024
        self.connectionWindowBytes = 16 * 1024 * 1024
        self.writeBufferSoftLimit = 256 * 1024
        self.readBufferBytes = 64 * 1024
    }

    /// Throws `HTTPServerError.invalidConfiguration` naming the first bad field.
    public func validate() throws {
        func check(_ ok: Bool, _ field: String, _ why: String) throws {
            if !ok { throw HTTPServerError.invalidConfiguration(field: field, reason: why) }
        }
        try check((0...65535).contains(port), "port", "must be 0...65535")
        try check(workerCount >= 1, "workerCount", "must be >= 1")
        try check(workerQueueCapacity >= 0, "workerQueueCapacity", "must be >= 0")
        try check(maxJobsPerConnection >= 1, "maxJobsPerConnection", "must be >= 1")
        try check(retryAfterSeconds >= 0, "retryAfterSeconds", "must be >= 0")
        try check(maxConnections >= 1, "maxConnections", "must be >= 1")
        try check(listenBacklog >= 1, "listenBacklog", "must be >= 1")
        try check((1...Int(Int32.max)).contains(maxConcurrentStreams), "maxConcurrentStreams", "must be >= 1")
        try check(maxHeaderListBytes >= 1024, "maxHeaderListBytes", "must be >= 1024")
        try check(maxRequestLineBytes >= 64, "maxRequestLineBytes", "must be >= 64")
        try check(maxHeaderCount >= 1, "maxHeaderCount", "must be >= 1")
        try check(maxRequestBodyBytes >= 0, "maxRequestBodyBytes", "must be >= 0")
        try check(idleTimeout > .zero, "idleTimeout", "must be > 0")
        try check(slowSenderTimeout > .zero, "slowSenderTimeout", "must be > 0")
        try check(timerInterval > .zero, "timerInterval", "must be > 0")
        try check(shutdownGracePeriod >= .zero, "shutdownGracePeriod", "must be >= 0")
        try check((65535...Int(Int32.max)).contains(streamWindowBytes), "streamWindowBytes",
                  "must be 65535...2^31-1")
        try check((65535...Int(Int32.max)).contains(connectionWindowBytes), "connectionWindowBytes",
                  "must be 65535...2^31-1")
        try check(writeBufferSoftLimit >= 16 * 1024, "writeBufferSoftLimit", "must be >= 16 KiB")
        try check(readBufferBytes >= 4096, "readBufferBytes", "must be >= 4 KiB")
        if let tls { try check(!tls.certificatePath.isEmpty && !tls.privateKeyPath.isEmpty,
                               "tls", "certificatePath and privateKeyPath must be set") }
    }

    static func activeCores() -> Int {
        let n = sysconf(Int32(_SC_NPROCESSORS_ONLN))
        return n > 0 ? n : 1
    }
}

/// PEM files for TLS. The certificate file may hold a chain.
public struct TLSConfiguration: Sendable {
    public var certificatePath: String
    public var privateKeyPath: String
    public init(certificatePath: String, privateKeyPath: String) {
        self.certificatePath = certificatePath
        self.privateKeyPath = privateKeyPath
    }
}

extension Duration {
    var nanoseconds: UInt64 {
        let (s, atto) = components
        if s < 0 { return 0 }
        return UInt64(s) &* 1_000_000_000 &+ UInt64(atto / 1_000_000_000)
    }
}
