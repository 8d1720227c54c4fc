#if canImport(Glibc)
import Glibc
#endif
import CNghttp2
import Dispatch
import Testing
@testable import HTTP2Server

/// The real server on 127.0.0.1 (ephemeral port) driven from the test over blocking sockets:
/// exercises the Dispatch sources, queue hops and shutdown under ThreadSanitizer.
@Suite(.serialized) struct ServerSocketTests {
    static func startServer(router: Router = HTTP2ConnectionTests.router(),
                            _ configure: (inout Configuration) -> Void = { _ in }) throws -> HTTPServer {
        var config = Configuration(host: "127.0.0.1", port: 0)
        config.workerCount = 2
        configure(&config)
        let server = try HTTPServer(configuration: config, router: router,
                                    logger: StderrLogger(minimumLevel: .error))
        try server.start()
        return server
    }

    static func connect(_ port: Int) -> Int32 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = UInt16(port).bigEndian
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        var tv = timeval(tv_sec: 20, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        let rc = withUnsafePointer(to: &addr) { p in
            p.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        #expect(rc == 0)
        return fd
    }

    static func send(_ fd: Int32, _ bytes: [UInt8]) {
        var off = 0
        while off < bytes.count {
            let n = bytes[off...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if n <= 0 { return }
            off += n
        }
    }

    /// Reads until `done(bytes)` or EOF/timeout (20 s per read, 2000 reads at most).
    static func read(_ fd: Int32, until done: ([UInt8]) -> Bool) -> [UInt8] {
        var out: [UInt8] = []
        var buf = [UInt8](repeating: 0, count: 65536)
        for _ in 0..<2000 {
            if done(out) { break }
            let n = buf.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n <= 0 { break }
            out.append(contentsOf: buf[0..<n])
        }
        return out
    }

    @Test func http1KeepAliveOverSocket() throws {
        let server = try Self.startServer()
        let fd = Self.connect(server.boundPort)
        Self.send(fd, Array("GET /big/100000 HTTP/1.1\r\nHost: x\r\n\r\nGET /deferred/5000 HTTP/1.1\r\nHost: x\r\n\r\nGET /stream/3 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".utf8))
        let all = Self.read(fd) { _ in false }
        close(fd)
        let text = String(decoding: all, as: UTF8.self)
        #expect(text.components(separatedBy: "HTTP/1.1 200").count == 3)
        #expect(text.contains("HTTP/1.1 201"))
        #expect(text.contains("transfer-encoding: chunked"))
        #expect(all.count > 100000 + 5000 + 3 * 16384)
        server.shutdown()
        server.waitForShutdown()
    }

    @Test func http2StreamsResetsAndDisconnectOverSocket() throws {
        let server = try Self.startServer()
        let fd = Self.connect(server.boundPort)
        let client = H2TestClient(initialWindow: 65535)
        var ids = (0..<10).map { client.request("/deferred/\(10_000 + $0)") }
        ids += (0..<10).map { _ in client.request("/big/200000") }
        let endless = client.request("/stream/0")
        var buf = [UInt8](repeating: 0, count: 65536)
        var resetSent = false
        var exit = "loop bound"
        let started = DispatchTime.now().uptimeNanoseconds
        for _ in 0..<5000 {
            Self.send(fd, client.send())
            if ids.allSatisfy({ client.streams[$0]?.closed == true }) && client.streams[endless]?.closed == true { exit = "done"; break }
            let n = buf.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n <= 0 { exit = "recv \(n) errno \(errno)"; break }
            let rc = client.receive(Array(buf[0..<n]))
            if rc < 0 { exit = "client mem_recv \(rc)"; break }
            if !resetSent && (client.streams[endless]?.body.count ?? 0) > 100_000 {
                client.reset(endless)
                resetSent = true
            }
        }
        #expect(exit == "done", "after \((DispatchTime.now().uptimeNanoseconds - started) / 1_000_000) ms, server connections \(server.connectionCount)")
        for (i, id) in ids.enumerated() {
            #expect(client.streams[id]?.closed == true)
            #expect(client.streams[id]?.body.count == (i < 10 ? 10_000 + i : 200_000))
        }
        #expect(resetSent)
        // Leave with streams in flight: the server must free them.
        _ = client.request("/stream/0")
        _ = client.request("/deferred/100")
        Self.send(fd, client.send())
        usleep(20_000)
        close(fd)
        for _ in 0..<1000 where server.connectionCount > 0 { usleep(10_000) }
        #expect(server.connectionCount == 0)
        server.shutdown()
        server.waitForShutdown()
    }

    @Test func shutdownWaitsForInflightThenCloses() throws {
        // The handler signals once the server has read the request, so the shutdown below
        // always finds it in flight, however loaded the machine is.
        let received = DispatchSemaphore(value: 0)
        var router = Router()
        router.get("/slow") { _ in
            received.signal()
            return .deferred(status: 201) { usleep(50_000); return [1, 2, 3] }
        }
        let server = try Self.startServer(router: router) { $0.shutdownGracePeriod = .seconds(10) }
        let fd = Self.connect(server.boundPort)
        Self.send(fd, Array("GET /slow HTTP/1.1\r\nHost: x\r\n\r\n".utf8))
        #expect(received.wait(timeout: .now() + 20) == .success)
        server.shutdown()
        let reply = Self.read(fd) { _ in false }
        close(fd)
        #expect(String(decoding: reply, as: UTF8.self).hasPrefix("HTTP/1.1 201"))
        server.waitForShutdown()
        #expect(server.connectionCount == 0)
    }
}
