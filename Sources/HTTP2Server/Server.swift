#if canImport(Glibc)
import Glibc
#endif
import Dispatch

/// The server: a listening socket, an accept source, the shared worker pool and router, and the
/// set of open connections. HTTP/2 (h2c prior knowledge, or `h2` via ALPN), HTTP/1.1 and TLS
/// share one router.
///
/// ```swift
/// var router = Router()
/// router.get("/v1/clips/{stage}/{seed}") { request in
///     .deferred(status: 200, headers: ["content-type": "application/vnd.safetensors"]) { try render() }
/// }
/// let server = try HTTPServer(configuration: .init(host: "127.0.0.1", port: 8080), router: router)
/// try server.start()
/// server.installSignalHandlers()   // SIGTERM/SIGINT → graceful shutdown
/// server.waitForShutdown()
/// ```
///
/// `@unchecked Sendable` is sound: the immutable lets are set in `init`; every mutable field
/// lives in `state`, a `LockedValue` touched only under its mutex.
public final class HTTPServer: @unchecked Sendable {
    public let configuration: Configuration
    /// The pool that runs `.deferred` and `.stream` bodies (handlers may submit to it too).
    public let pool: WorkerPool
    let context: ServerContext
    private let tlsContext: TLSContext?
    private let acceptQueue = DispatchQueue(label: "http2server.accept")
    private let stopped = DispatchGroup()

    private enum Phase { case idle, running, draining, stopped }
    private struct State {
        var phase = Phase.idle
        var listenFD: Int32 = -1
        var boundPort = 0
        var acceptSource: (any DispatchSourceRead)?
        var connections: [ObjectIdentifier: Connection] = [:]
        var signalSources: [any DispatchSourceSignal] = []
        var refusedSinceLog = 0
        var lastRefusalLog: UInt64 = 0
    }
    private let state = LockedValue(State())

    public init(configuration: Configuration, router: Router,
                logger: any ServerLogger = StderrLogger(), clock: any ServerClock = MonotonicClock()) throws {
        try configuration.validate()
        self.configuration = configuration
        pool = WorkerPool(workerCount: configuration.workerCount, queueCapacity: configuration.workerQueueCapacity)
        context = ServerContext(configuration: configuration, router: router, pool: pool, logger: logger, clock: clock)
        tlsContext = try configuration.tls.map { try TLSContext(configuration: $0) }
    }

    /// The port actually bound (useful with `port: 0`); 0 before `start()`.
    public var boundPort: Int { state.withLock { $0.boundPort } }
    /// Open connections now.
    public var connectionCount: Int { state.withLock { $0.connections.count } }

    /// Binds, listens and starts accepting. Returns at once.
    public func start() throws {
        try state.withLock { s in
            guard s.phase == .idle else { throw HTTPServerError.alreadyStarted }
            let fd = try Self.listen(host: configuration.host, port: configuration.port, backlog: configuration.listenBacklog)
            s.listenFD = fd
            s.boundPort = Self.localPort(fd)
            let src = DispatchSource.makeReadSource(fileDescriptor: fd, queue: acceptQueue)
            src.setEventHandler { @Sendable [weak self] in self?.acceptConnections() }
            src.setCancelHandler { @Sendable in Glibc.close(fd) }
            s.acceptSource = src
            s.phase = .running
            stopped.enter()
            src.activate()
        }
        context.logger.log(.info, "listening on \(configuration.host):\(boundPort) (\(configuration.tls == nil ? "h2c + HTTP/1.1" : "TLS: h2 + HTTP/1.1"))")
    }

    /// Stops accepting, asks every connection to finish (GOAWAY / Connection: close), and
    /// closes whatever is left after `shutdownGracePeriod`. Returns at once; see `waitForShutdown`.
    public func shutdown() {
        let conns: [Connection]? = state.withLock { s in
            guard s.phase == .running else { return nil }
            s.phase = .draining
            s.acceptSource?.cancel()
            s.acceptSource = nil
            return Array(s.connections.values)
        }
        guard let conns else { return }
        context.logger.log(.info, "shutting down: \(conns.count) connection(s) draining for up to \(configuration.shutdownGracePeriod)")
        for c in conns { c.beginShutdown() }
        let grace = configuration.shutdownGracePeriod.nanoseconds
        DispatchQueue.global().asyncAfter(deadline: .now() + .nanoseconds(Int(grace))) { [self] in
            let left = state.withLock { Array($0.connections.values) }
            if !left.isEmpty {
                context.logger.log(.warning, "shutdown grace period over: closing \(left.count) connection(s)")
            }
            for c in left { c.forceClose() }
        }
        finishIfDrained()
    }

    /// Blocks until `shutdown()` (or a signal) has completed and every connection is closed.
    public func waitForShutdown() {
        stopped.wait()
    }

    /// SIGTERM and SIGINT (by default) start a graceful `shutdown()`.
    public func installSignalHandlers(_ signals: [Int32] = [SIGTERM, SIGINT]) {
        var sources: [any DispatchSourceSignal] = []
        for sig in signals {
            signal(sig, SIG_IGN)
            let src = DispatchSource.makeSignalSource(signal: sig, queue: acceptQueue)
            // @Sendable and formed in a nonisolated method: no main-actor inheritance (INTEROP-NOTES 11).
            src.setEventHandler { @Sendable [weak self] in
                self?.context.logger.log(.info, "signal \(sig): graceful shutdown")
                self?.shutdown()
            }
            src.activate()
            sources.append(src)
        }
        state.withLock { $0.signalSources.append(contentsOf: sources) }
    }

    // MARK: Accepting

    private func acceptConnections() {
        let (fd, phase) = state.withLock { ($0.listenFD, $0.phase) }
        guard phase == .running else { return }
        for _ in 0..<64 {
            var addr = sockaddr_storage()
            var len = socklen_t(MemoryLayout<sockaddr_storage>.size)
            let client = withUnsafeMutablePointer(to: &addr) { p in
                p.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    accept(fd, $0, &len)   // accept4 is not exported by the Glibc module
                }
            }
            if client >= 0 {
                _ = fcntl(client, F_SETFL, fcntl(client, F_GETFL, 0) | O_NONBLOCK)
                _ = fcntl(client, F_SETFD, FD_CLOEXEC)
            }
            if client < 0 {
                let e = errno
                if e == EAGAIN || e == EWOULDBLOCK { return }
                if e == EINTR || e == ECONNABORTED { continue }
                context.logger.log(.warning, "accept failed: errno \(e) (\(e == EMFILE || e == ENFILE ? "out of file descriptors" : "error")); pausing 10 ms")
                usleep(10_000)
                return
            }
            var one: Int32 = 1
            setsockopt(client, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
            let remote = Self.describe(addr)
            let now = context.clock.nowNanoseconds()
            let (admitted, refusedToLog): (Bool, Int) = state.withLock { s in
                guard s.connections.count < configuration.maxConnections else {
                    s.refusedSinceLog += 1
                    // At most one log line per second, however many are refused.
                    guard now &- s.lastRefusalLog >= 1_000_000_000 else { return (false, 0) }
                    s.lastRefusalLog = now
                    defer { s.refusedSinceLog = 0 }
                    return (false, s.refusedSinceLog)
                }
                return (true, 0)
            }
            if admitted {
                // Only this serial accept queue adds connections, so the count checked above holds.
                let conn = Connection(fd: client, remoteAddress: remote, context: context, server: self, tlsContext: tlsContext)
                let added: Bool = state.withLock { s in
                    guard s.phase == .running else { return false }   // shutdown began meanwhile
                    s.connections[ObjectIdentifier(conn)] = conn
                    return true
                }
                if added { conn.start() } else { Glibc.close(client) }
            } else {
                if refusedToLog > 0 {
                    context.logger.log(.warning, "connection limit \(configuration.maxConnections) reached; refused \(refusedToLog) connection(s), latest \(remote)")
                }
                Glibc.close(client)
            }
        }
    }

    func connectionDidClose(_ conn: Connection) {
        state.withLock { _ = $0.connections.removeValue(forKey: ObjectIdentifier(conn)) }
        finishIfDrained()
    }

    private func finishIfDrained() {
        let done: Bool = state.withLock { s in
            guard s.phase == .draining, s.connections.isEmpty else { return false }
            s.phase = .stopped
            for src in s.signalSources { src.cancel() }
            s.signalSources = []
            return true
        }
        if done {
            pool.stop()
            context.logger.log(.info, "shutdown complete")
            stopped.leave()
        }
    }

    // MARK: Sockets

    private static func listen(host: String, port: Int, backlog: Int) throws -> Int32 {
        var hints = addrinfo()
        hints.ai_flags = AI_NUMERICHOST | AI_PASSIVE
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        hints.ai_family = AF_UNSPEC
        var res: UnsafeMutablePointer<addrinfo>?
        let rc = getaddrinfo(host, String(port), &hints, &res)
        guard rc == 0, let ai = res else {
            throw HTTPServerError.invalidConfiguration(field: "host", reason: "is not a numeric IPv4/IPv6 address: \(host)")
        }
        defer { freeaddrinfo(ai) }
        let fd = socket(ai.pointee.ai_family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw HTTPServerError.socket(operation: "socket", errno: errno) }
        var one: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        guard bind(fd, ai.pointee.ai_addr, ai.pointee.ai_addrlen) == 0 else {
            let e = errno
            Glibc.close(fd)
            throw HTTPServerError.socket(operation: "bind \(host):\(port)", errno: e)
        }
        guard Glibc.listen(fd, Int32(backlog)) == 0 else {
            let e = errno
            Glibc.close(fd)
            throw HTTPServerError.socket(operation: "listen", errno: e)
        }
        return fd
    }

    private static func localPort(_ fd: Int32) -> Int {
        var addr = sockaddr_storage()
        var len = socklen_t(MemoryLayout<sockaddr_storage>.size)
        _ = withUnsafeMutablePointer(to: &addr) { p in
            p.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &len) }
        }
        return portOf(addr)
    }

    private static func portOf(_ addr: sockaddr_storage) -> Int {
        var a = addr
        return withUnsafePointer(to: &a) { p in
            if Int32(addr.ss_family) == AF_INET6 {
                return p.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { Int(UInt16(bigEndian: $0.pointee.sin6_port)) }
            }
            return p.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { Int(UInt16(bigEndian: $0.pointee.sin_port)) }
        }
    }

    static func describe(_ addr: sockaddr_storage) -> String {
        var a = addr
        var buf = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN) + 1)
        let port = portOf(addr)
        return withUnsafePointer(to: &a) { p -> String in
            if Int32(addr.ss_family) == AF_INET6 {
                return p.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { sin6 in
                    var ip = sin6.pointee.sin6_addr
                    inet_ntop(AF_INET6, &ip, &buf, socklen_t(buf.count))
                    return "[\(String(decoding: buf.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))]:\(port)"
                }
            }
            return p.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { sin in
                var ip = sin.pointee.sin_addr
                inet_ntop(AF_INET, &ip, &buf, socklen_t(buf.count))
                return "\(String(decoding: buf.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)):\(port)"
            }
        }
    }
}
