#if canImport(Glibc)
import Glibc
#endif
import HTTP2Server

enum DemoRoutes {
    /// Bodies by size, built once (the benchmark must not measure body generation).
    private static let cache = BodyCache()

    static func router() -> Router {
        var r = Router()
        r.get("/healthz") { _ in .text("ok") }
        r.get("/bytes/{n}") { req in
            guard let n = Int(req.pathParameters["n"] ?? ""), (0...(64 << 20)).contains(n) else {
                throw HTTPError(status: 400, message: "n must be 0...67108864")
            }
            return .bytes(headers: ["content-type": "application/octet-stream"], cache.body(n))
        }
        r.get("/deferred/{n}") { req in
            guard let n = Int(req.pathParameters["n"] ?? ""), (0...(64 << 20)).contains(n) else {
                throw HTTPError(status: 400, message: "n must be 0...67108864")
            }
            let ms = min(10_000, max(0, Int(req.query["ms"] ?? "0") ?? 0))
            return .deferred(headers: ["content-type": "application/octet-stream"]) {
                if ms > 0 { usleep(UInt32(ms * 1000)) }
                return cache.body(n)
            }
        }
        r.get("/stream/{chunks}/{size}") { req in
            guard let chunks = Int(req.pathParameters["chunks"] ?? ""), chunks >= 0,
                  let size = Int(req.pathParameters["size"] ?? ""), (1...(16 << 20)).contains(size) else {
                throw HTTPError(status: 400, message: "bad chunks/size")
            }
            let sent = Counter()
            let chunk = cache.body(size)
            return .stream(headers: ["content-type": "application/octet-stream"]) { ctx in
                if ctx.isCancelled { return nil }
                if chunks > 0 && sent.next() >= chunks { return nil }
                return chunk
            }
        }
        r.post("/echo") { req in .bytes(headers: ["content-type": "application/octet-stream"], req.body) }
        r.get("/info") { req in
            .text("\(req.method) \(req.version) \(req.remoteAddress) tls=\(req.isTLS) authority=\(req.authority ?? "-")")
        }
        return r
    }
}

/// A heap-allocated pthread mutex (never moved, unlike a stored `pthread_mutex_t`).
///
/// @unchecked Sendable: the pointer is immutable and pthread mutexes are made for sharing.
final class Mutex: @unchecked Sendable {
    private let m: UnsafeMutablePointer<pthread_mutex_t>
    init() {
        m = .allocate(capacity: 1)
        m.initialize(to: pthread_mutex_t())
        pthread_mutex_init(m, nil)
    }
    deinit { pthread_mutex_destroy(m); m.deallocate() }
    func locked<R>(_ body: () -> R) -> R {
        pthread_mutex_lock(m)
        defer { pthread_mutex_unlock(m) }
        return body()
    }
}

/// @unchecked Sendable: `value` only changes inside `lock.locked`.
final class Counter: @unchecked Sendable {
    private var value = 0
    private let lock = Mutex()
    func next() -> Int {
        lock.locked {
            value += 1
            return value - 1
        }
    }
}

/// @unchecked Sendable: `bodies` is only read or written inside `lock.locked`.
final class BodyCache: @unchecked Sendable {
    private var bodies: [Int: [UInt8]] = [:]
    private let lock = Mutex()
    func body(_ n: Int) -> [UInt8] {
        lock.locked {
            if let b = bodies[n] { return b }
            let b = (0..<n).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ ($0 >> 8)) }
            if bodies.count < 64 { bodies[n] = b }
            return b
        }
    }
}
