#if canImport(Glibc)
import Glibc
#endif
import CNghttp2
import Dispatch
import Testing
@testable import HTTP2Server

/// The server's HTTP/2 side paired in memory with an nghttp2 client session: no sockets.
@Suite struct HTTP2ConnectionTests {
    static func pattern(_ n: Int, seed: Int = 0) -> [UInt8] {
        // Cached: building bodies byte by byte is slow in debug + TSan builds and would run on
        // the connection queue inside the handler.
        patterns.withLock { cache in
            if let p = cache[[n, seed]] { return p }
            var p = [UInt8](repeating: 0, count: n)
            for i in 0..<n { p[i] = UInt8(truncatingIfNeeded: (i &* 31) ^ seed) }
            cache[[n, seed]] = p
            return p
        }
    }
    static let patterns = LockedValue<[[Int]: [UInt8]]>([:])

    static func router(events: LockedValue<[String]> = LockedValue([])) -> Router {
        var r = Router()
        r.get("/hello/{name}") { req in .text("hello \(req.pathParameters["name"] ?? "")") }
        r.get("/big/{n}") { req in .bytes(pattern(Int(req.pathParameters["n"] ?? "") ?? 0)) }
        r.post("/echo") { req in .bytes(headers: ["content-type": "application/octet-stream"], req.body) }
        r.get("/deferred/{n}") { req in
            let n = Int(req.pathParameters["n"] ?? "") ?? 0
            return Response.deferred(status: 201, headers: ["x-kind": "deferred"]) {
                usleep(2000)
                return pattern(n, seed: 7)
            }.onCompletion { c in events.withLock { $0.append("deferred \(c.status) \(c.bodyBytesSent) \(c.outcome)") } }
        }
        r.get("/deferred-error") { _ in .deferred { throw HTTPError(status: 422, message: "nope") } }
        r.get("/stream/{chunks}") { req in
            let total = Int(req.pathParameters["chunks"] ?? "") ?? 0
            let produced = LockedValue(0)
            return Response.stream(headers: ["content-type": "application/octet-stream"]) { ctx in
                let i = produced.withLock { v -> Int in v += 1; return v - 1 }
                events.withLock { $0.append("chunk \(i)") }
                if ctx.isCancelled { return nil }
                if total > 0 && i >= total { return nil }
                return pattern(16 * 1024, seed: i)
            }.onCompletion { c in events.withLock { $0.append("stream \(c.outcome)") } }
        }
        return r
    }

    @Test func simpleRequestAndRouting() {
        let pair = InMemoryH2Pair(router: Self.router())
        let a = pair.client.request("/hello/world")
        let b = pair.client.request("/missing")
        let c = pair.client.request("DELETE", "/hello/x")
        #expect(pair.pump { [a, b, c].allSatisfy { pair.client.streams[$0]?.closed == true } })
        #expect(pair.client.streams[a]?.status == 200)
        #expect(String(decoding: pair.client.streams[a]?.body ?? [], as: UTF8.self) == "hello world")
        #expect(pair.client.streams[a]?.headers.contains { $0 == ("content-length", "11") } == true)
        #expect(pair.client.streams[b]?.status == 404)
        #expect(pair.client.streams[c]?.status == 405)
        #expect(pair.client.streams[c]?.headers.contains { $0.0 == "allow" && $0.1.contains("GET") } == true)
        #expect(pair.serverStreamCount == 0)
        pair.close()
    }

    @Test func largeBodyWithSmallClientWindows() {
        let client = H2TestClient(initialWindow: 16 * 1024, connectionWindow: 65535)
        let pair = InMemoryH2Pair(router: Self.router(), client: client)
        pair.chunkLimit = 8 * 1024
        let ids = (0..<3).map { _ in client.request("/big/1000000") }
        #expect(pair.pump(timeout: 20) { ids.allSatisfy { client.streams[$0]?.closed == true } })
        for id in ids {
            #expect(client.streams[id]?.body == Self.pattern(1_000_000))
            #expect(client.streams[id]?.errorCode == 0)
        }
        pair.close()
    }

    @Test func outputPerProduceCallIsBoundedWithHugeWindows() {
        let pair = InMemoryH2Pair(router: Self.router())   // client windows: 1 GiB
        let ids = (0..<4).map { _ in pair.client.request("/big/2000000") }
        pair.chunkLimit = 64 * 1024
        var largest = 0
        for _ in 0..<2000 {
            let c2s = pair.client.send()
            let s2c: [UInt8] = pair.queue.sync {
                if !c2s.isEmpty { c2s.withUnsafeBytes { pair.server.receive($0) } }
                pair.server.produceOutput(into: pair.output, limit: pair.chunkLimit)
                return pair.output.readAll()
            }
            largest = max(largest, s2c.count)
            _ = pair.client.receive(s2c)
            if ids.allSatisfy({ pair.client.streams[$0]?.closed == true }) { break }
        }
        #expect(ids.allSatisfy { pair.client.streams[$0]?.body == Self.pattern(2_000_000) })
        // At most one DATA frame (16 KiB + 9) past the limit.
        #expect(largest <= 64 * 1024 + 16 * 1024 + 9, "one produce call wrote \(largest) bytes")
        pair.close()
    }

    @Test func requestBodyEchoAndLimit() {
        var config = Configuration()
        config.maxRequestBodyBytes = 100_000
        let pair = InMemoryH2Pair(router: Self.router(), configuration: config)
        let ok = pair.client.request("POST", "/echo", body: Self.pattern(90_000))
        let big = pair.client.request("POST", "/echo", body: Self.pattern(200_000))
        #expect(pair.pump { [ok, big].allSatisfy { pair.client.streams[$0]?.status != nil } && pair.client.streams[ok]?.closed == true })
        #expect(pair.client.streams[ok]?.body == Self.pattern(90_000))
        #expect(pair.client.streams[big]?.status == 413)
        pair.close()
    }

    @Test func oversizeHeadersGet431() {
        var config = Configuration()
        config.maxHeaderListBytes = 4096
        let pair = InMemoryH2Pair(router: Self.router(), configuration: config)
        let id = pair.client.request("/hello/x", headers: [("x-big", String(repeating: "a", count: 8000))])
        let ok = pair.client.request("/hello/y")
        #expect(pair.pump { [id, ok].allSatisfy { pair.client.streams[$0]?.closed == true } })
        #expect(pair.client.streams[id]?.status == 431)
        #expect(pair.client.streams[ok]?.status == 200)
        pair.close()
    }

    @Test func deferredBodiesAndErrors() {
        let events = LockedValue<[String]>([])
        let pair = InMemoryH2Pair(router: Self.router(events: events))
        let ids = (0..<8).map { pair.client.request("/deferred/\(1000 * $0 + 1)") }
        let err = pair.client.request("/deferred-error")
        #expect(pair.pump { (ids + [err]).allSatisfy { pair.client.streams[$0]?.closed == true } })
        for (i, id) in ids.enumerated() {
            #expect(pair.client.streams[id]?.status == 201)
            #expect(pair.client.streams[id]?.body == Self.pattern(1000 * i + 1, seed: 7))
            #expect(pair.client.streams[id]?.headers.contains { $0 == ("x-kind", "deferred") } == true)
        }
        #expect(pair.client.streams[err]?.status == 422)
        #expect(events.withLock { $0.filter { $0.hasPrefix("deferred 201") && $0.hasSuffix("completed") }.count } == 8)
        pair.close()
    }

    @Test func poolSaturationAnswers503WithRetryAfter() {
        let gate = DispatchSemaphore(value: 0)
        var r = Router()
        r.get("/slow") { _ in .deferred { gate.wait(); return [1, 2, 3] } }
        var config = Configuration()
        config.retryAfterSeconds = 3
        let pool = WorkerPool(workerCount: 1, queueCapacity: 1)
        let pair = InMemoryH2Pair(router: r, configuration: config, pool: pool)
        let ids = (0..<4).map { _ in pair.client.request("/slow") }
        // Two are admitted (one running, one queued), the rest are refused at once.
        #expect(pair.pump { ids.filter { pair.client.streams[$0]?.closed == true }.count == 2 })
        let refused = ids.filter { pair.client.streams[$0]?.status == 503 }
        #expect(refused.count == 2)
        #expect(refused.allSatisfy { id in pair.client.streams[id]?.headers.contains { $0 == ("retry-after", "3") } == true })
        gate.signal(); gate.signal()
        #expect(pair.pump { ids.allSatisfy { pair.client.streams[$0]?.closed == true } })
        #expect(ids.filter { pair.client.streams[$0]?.status == 200 }.count == 2)
        pair.close()
        pool.stop()
    }

    @Test func perConnectionJobQuota() {
        let gate = DispatchSemaphore(value: 0)
        var r = Router()
        r.get("/slow") { _ in .deferred { gate.wait(); return [1] } }
        var config = Configuration()
        config.maxJobsPerConnection = 2
        let pool = WorkerPool(workerCount: 4, queueCapacity: 100)
        let pair = InMemoryH2Pair(router: r, configuration: config, pool: pool)
        let ids = (0..<5).map { _ in pair.client.request("/slow") }
        #expect(pair.pump { ids.filter { pair.client.streams[$0]?.status == 503 }.count == 3 })
        for _ in 0..<2 { gate.signal() }
        #expect(pair.pump { ids.allSatisfy { pair.client.streams[$0]?.closed == true } })
        pair.close()
        pool.stop()
    }

    @Test func streamedBodyIsPulledOnlyWithRoom() {
        let events = LockedValue<[String]>([])
        // A client that never acknowledges data: 64 KiB stream window, never updated.
        let client = H2TestClient(initialWindow: 65535, connectionWindow: 65535, autoWindowUpdate: false)
        let pair = InMemoryH2Pair(router: Self.router(events: events), client: client)
        let id = client.request("/stream/0")   // endless
        pair.pump(timeout: 0.5) { false }
        let produced = events.withLock { $0.filter { $0.hasPrefix("chunk") }.count }
        // 64 KiB of window = 4 chunks of 16 KiB, plus at most one produced ahead.
        #expect(produced <= 6, "producer ran \(produced) times without window")
        #expect((client.streams[id]?.body.count ?? 0) <= 65535)
        // The client resets mid-body: the stream is freed and the producer told.
        client.reset(id)
        #expect(pair.pump { pair.serverStreamCount == 0 })
        #expect(pair.pump { events.withLock { $0.contains("stream reset(errorCode: 8)") } })
        pair.close()
    }

    @Test func stalledClientIsClosedAfterIdleTimeout() {
        let clock = ManualClock()
        var config = Configuration()
        config.idleTimeout = .seconds(30)
        let client = H2TestClient(initialWindow: 65535, connectionWindow: 65535, autoWindowUpdate: false)
        let pair = InMemoryH2Pair(router: Self.router(), configuration: config, client: client, clock: clock)
        let id = client.request("/big/1000000")
        pair.pump(timeout: 0.2) { false }
        #expect(client.streams[id]?.closed == false)   // blocked on flow control
        clock.advance(seconds: 31)
        pair.queue.sync { pair.server.tick(now: clock.nowNanoseconds()) }
        #expect(pair.pump { pair.serverFinished })
        pair.close()
    }

    @Test func finiteStreamCompletes() {
        let events = LockedValue<[String]>([])
        let pair = InMemoryH2Pair(router: Self.router(events: events), client: H2TestClient(initialWindow: 32 * 1024))
        let id = pair.client.request("/stream/5")
        #expect(pair.pump { pair.client.streams[id]?.closed == true })
        let expected = (0..<5).flatMap { Self.pattern(16 * 1024, seed: $0) }
        #expect(pair.client.streams[id]?.body == expected)
        #expect(pair.pump { events.withLock { $0.contains("stream completed") } })
        pair.close()
    }

    @Test func resetDuringDeferredWorkDropsResult() {
        let events = LockedValue<[String]>([])
        let gate = DispatchSemaphore(value: 0)
        var r = Router()
        r.get("/slow") { _ in
            Response.deferred { gate.wait(); return [UInt8](repeating: 1, count: 1 << 20) }
                .onCompletion { c in events.withLock { $0.append("\(c.outcome)") } }
        }
        let pair = InMemoryH2Pair(router: r)
        let id = pair.client.request("/slow")
        pair.pump(timeout: 0.1) { false }
        pair.client.reset(id)
        #expect(pair.pump { pair.serverStreamCount == 0 })
        gate.signal()
        usleep(20_000)
        pair.pump(timeout: 0.1) { false }
        #expect(pair.client.streams[id]?.status == nil)
        #expect(events.withLock { $0 } == ["reset(errorCode: 8)"])
        pair.close()
    }

    @Test func connectionCloseCancelsStreams() {
        let events = LockedValue<[String]>([])
        let client = H2TestClient(initialWindow: 65535, connectionWindow: 65535, autoWindowUpdate: false)
        let pair = InMemoryH2Pair(router: Self.router(events: events), client: client)
        _ = client.request("/stream/0")
        pair.pump(timeout: 0.2) { false }
        pair.close()
        #expect(events.withLock { $0.contains("stream connectionClosed") })
    }

    @Test func garbagePrefaceIsFatal() {
        let pair = InMemoryH2Pair(router: Self.router())
        let garbage = Array("GET / HTTP/1.1\r\nHost: x\r\n\r\n".utf8) + [UInt8](repeating: 0xff, count: 100)
        pair.queue.sync { garbage.withUnsafeBytes { pair.server.receive($0) } }
        #expect(pair.serverFinished)
        pair.close()
    }

    @Test func gracefulShutdownLetsStreamsFinish() {
        let gate = DispatchSemaphore(value: 0)
        var r = Router()
        r.get("/slow") { _ in .deferred { gate.wait(); return [9, 9] } }
        let pair = InMemoryH2Pair(router: r)
        let id = pair.client.request("/slow")
        pair.pump(timeout: 0.1) { false }
        pair.queue.sync { pair.server.beginShutdown() }
        // The GOAWAY waits for in-flight streams (httpcore fails them on any GOAWAY).
        pair.pump(timeout: 0.1) { false }
        #expect(!pair.client.goawayReceived)
        #expect(!pair.serverFinished)
        gate.signal()
        #expect(pair.pump { pair.client.streams[id]?.closed == true })
        #expect(pair.client.streams[id]?.body == [9, 9])
        #expect(pair.pump { pair.client.goawayReceived })
        #expect(pair.pump { pair.serverFinished })
        pair.close()
    }

    @Test func slowSenderAndIdleTimeoutsWithInjectedClock() {
        let clock = ManualClock()
        var config = Configuration()
        config.slowSenderTimeout = .seconds(5)
        config.idleTimeout = .seconds(30)
        // A client whose preface never arrives.
        let silent = InMemoryH2Pair(router: Self.router(), configuration: config, clock: clock)
        clock.advance(seconds: 6)
        silent.queue.sync { silent.server.tick(now: clock.nowNanoseconds()) }
        #expect(silent.serverFinished)
        silent.close()

        let idle = InMemoryH2Pair(router: Self.router(), configuration: config, clock: clock)
        let id = idle.client.request("/hello/a")
        #expect(idle.pump { idle.client.streams[id]?.closed == true })
        clock.advance(seconds: 10)
        idle.queue.sync { idle.server.tick(now: clock.nowNanoseconds()) }
        #expect(!idle.client.goawayReceived)
        clock.advance(seconds: 31)
        idle.queue.sync { idle.server.tick(now: clock.nowNanoseconds()) }
        #expect(idle.pump { idle.client.goawayReceived })
        #expect(idle.pump { idle.serverFinished })
        idle.close()
    }
}

final class ManualClock: ServerClock {
    private let now = LockedValue<UInt64>(1_000_000_000)
    func nowNanoseconds() -> UInt64 { now.withLock { $0 } }
    func advance(seconds: Double) { now.withLock { $0 += UInt64(seconds * 1e9) } }
}
