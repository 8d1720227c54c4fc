#if canImport(Glibc)
import Glibc
#endif
import Dispatch
import Testing
@testable import HTTP2Server

/// The HTTP/1.1 handler driven in memory: bytes in, bytes out, no sockets.
@Suite struct HTTP1ConnectionTests {
    final class Harness: ConnectionTransport, @unchecked Sendable {
        // @unchecked Sendable: `handler` and `output` are only touched inside `queue.sync`.
        let queue = DispatchQueue(label: "test.h1")
        var handler: HTTP1Connection!
        let output = ByteBuffer(capacity: 4096, allowsReferences: true)
        init(configuration: Configuration = Configuration(), clock: any ServerClock = MonotonicClock(),
             pool: WorkerPool = WorkerPool(workerCount: 2, queueCapacity: 8)) {
            let ctx = ServerContext(configuration: configuration, router: HTTP2ConnectionTests.router(), pool: pool,
                                    logger: StderrLogger(minimumLevel: .error), clock: clock)
            queue.sync {
                handler = HTTP1Connection(context: ctx, queue: queue, remoteAddress: "memory", isTLS: false)
                handler.transport = self
            }
        }
        func outputAvailable() {}
        func send(_ s: String) { queue.sync { Array(s.utf8).withUnsafeBytes { handler.receive($0) } } }
        /// Collects output until `done` or about 20 s.
        func read(until done: (String) -> Bool) -> String {
            var text = ""
            for _ in 0..<20_000 {
                let chunk: [UInt8] = queue.sync {
                    handler.produceOutput(into: output, limit: 1 << 20)
                    return output.readAll()
                }
                text += String(decoding: chunk, as: UTF8.self)
                if done(text) { break }
                if chunk.isEmpty { usleep(1000) }
            }
            return text
        }
        var finished: Bool { queue.sync { handler.isFinished } }
    }

    @Test func pipelinedKeepAliveRequests() {
        let h = Harness()
        h.send("GET /hello/a HTTP/1.1\r\nHost: x\r\n\r\nGET /deferred/3 HTTP/1.1\r\nHost: x\r\n\r\nGET /hello/b HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        let text = h.read { $0.contains("hello b") }
        #expect(text.components(separatedBy: "HTTP/1.1 200 OK").count == 3)
        #expect(text.contains("HTTP/1.1 201 Created"))
        let a = text.range(of: "hello a")!.lowerBound, b = text.range(of: "hello b")!.lowerBound
        #expect(a < b)
        #expect(text.contains("connection: close"))
        #expect(h.finished)
    }

    @Test func chunkedStreamAndHead() {
        let h = Harness()
        h.send("GET /stream/2 HTTP/1.1\r\nHost: x\r\n\r\n")
        let text = h.read { $0.hasSuffix("\r\n0\r\n\r\n") }
        #expect(text.contains("transfer-encoding: chunked"))
        #expect(text.contains("\r\n4000\r\n"))   // 16 KiB chunks
        h.send("HEAD /big/1234 HTTP/1.1\r\nHost: x\r\n\r\n")
        let head = h.read { $0.hasSuffix("\r\n\r\n") }
        #expect(head.contains("content-length: 1234"))
        #expect(head.hasSuffix("\r\n\r\n"))
        #expect(!h.finished)
    }

    @Test func expectContinueThenBody() {
        let h = Harness()
        h.send("POST /echo HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n")
        #expect(h.read { $0.contains("100 Continue") }.hasPrefix("HTTP/1.1 100 Continue\r\n\r\n"))
        h.send("hello")
        #expect(h.read { $0.hasSuffix("hello") }.hasSuffix("\r\n\r\nhello"))
    }

    @Test func errorsCloseTheConnection() {
        let h = Harness()
        h.send("BROKEN\r\n\r\n")
        #expect(h.read { $0.contains("\r\n\r\n") }.hasPrefix("HTTP/1.1 400 Bad Request"))
        #expect(h.finished)
    }

    @Test func slowSenderAndIdleWithInjectedClock() {
        let clock = ManualClock()
        var config = Configuration()
        config.slowSenderTimeout = .seconds(5)
        config.idleTimeout = .seconds(30)
        let h = Harness(configuration: config, clock: clock)
        h.send("GET /hello/a HTTP/1.1\r\nHo")
        clock.advance(seconds: 6)
        h.queue.sync { h.handler.tick(now: clock.nowNanoseconds()) }
        #expect(h.read { $0.contains("\r\n\r\n") }.hasPrefix("HTTP/1.1 408"))
        #expect(h.finished)

        let idle = Harness(configuration: config, clock: clock)
        idle.send("GET /hello/a HTTP/1.1\r\nHost: x\r\n\r\n")
        _ = idle.read { $0.contains("hello a") }
        clock.advance(seconds: 20)
        idle.queue.sync { idle.handler.tick(now: clock.nowNanoseconds()) }
        #expect(!idle.finished)
        clock.advance(seconds: 11)
        idle.queue.sync { idle.handler.tick(now: clock.nowNanoseconds()) }
        #expect(idle.finished)
    }

    @Test func gracefulShutdownAfterCurrentResponse() {
        let h = Harness()
        h.send("GET /deferred/10 HTTP/1.1\r\nHost: x\r\n\r\n")
        h.queue.sync { h.handler.beginShutdown() }
        let text = h.read { $0.contains("\r\n\r\n") && h.finished }
        #expect(text.hasPrefix("HTTP/1.1 201"))
        #expect(text.contains("connection: close"))
        #expect(h.finished)
    }
}
