import Testing
@testable import HTTP2Server

@Suite struct HTTP1RequestParserTests {
    /// Feeds `input` in pieces of `step` bytes and collects every event.
    static func events(_ input: String, step: Int = .max, limits: HTTP1Limits = HTTP1Limits()) -> [HTTP1ParseEvent] {
        var parser = HTTP1RequestParser(limits: limits)
        var out: [HTTP1ParseEvent] = []
        let bytes = Array(input.utf8)
        var start = 0
        while start < bytes.count {
            var piece = Array(bytes[start..<min(bytes.count, start + step)])
            start += piece.count
            while !piece.isEmpty {
                let (n, e) = parser.parse(piece)
                piece.removeFirst(n)
                if let e {
                    out.append(e)
                    if case .error = e { return out }
                    if case .head = e, let c = parser.completeIfBodyless() { out.append(c) }
                }
                if n == 0 && e == nil { break }
            }
        }
        return out
    }

    @Test(arguments: [1, 3, 7, 1000])
    func simpleGetAndKeepAlivePipelining(step: Int) {
        let ev = Self.events("GET /a?b=1 HTTP/1.1\r\nHost: x\r\nX-A:  v \r\n\r\nGET /b HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", step: step)
        #expect(ev.count == 4)
        guard case let .head(h1) = ev[0], case let .head(h2) = ev[2] else { Issue.record("\(ev)"); return }
        #expect(h1.method == "GET" && h1.target == "/a?b=1" && h1.keepAlive && h1.headers["x-a"] == "v")
        #expect(h2.target == "/b" && !h2.keepAlive)
        #expect(ev[1] == .complete(body: []))
    }

    @Test(arguments: [1, 5, 1000])
    func contentLengthAndChunkedBodies(step: Int) {
        let cl = Self.events("POST /e HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello", step: step)
        #expect(cl.last == .complete(body: Array("hello".utf8)))
        let ch = Self.events("POST /e HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5;ext=1\r\nhello\r\n6\r\n world\r\n0\r\nTrailer: t\r\n\r\n", step: step)
        #expect(ch.last == .complete(body: Array("hello world".utf8)))
    }

    @Test func errorsMapToStatuses() {
        let limits = HTTP1Limits(maxRequestLineBytes: 64, maxHeaderBytes: 256, maxHeaderCount: 4, maxBodyBytes: 10)
        func status(_ s: String) -> Int? {
            if case let .error(e)? = Self.events(s, limits: limits).last { return e.status }
            return nil
        }
        #expect(status("GET /\(String(repeating: "a", count: 100)) HTTP/1.1\r\n") == 414)
        #expect(status("GET / HTTP/1.1\r\nHost: x\r\nA: \(String(repeating: "b", count: 300))\r\n\r\n") == 431)
        #expect(status("GET / HTTP/1.1\r\nHost: x\r\nA: 1\r\nB: 1\r\nC: 1\r\nD: 1\r\n\r\n") == 431)
        #expect(status("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 11\r\n\r\n") == 413)
        #expect(status("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nb\r\n") == 413)
        #expect(status("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n") == 400)
        #expect(status("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\n") == 501)
        #expect(status("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n") == 400)
        #expect(status("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n") == 400)
        #expect(status("GET / HTTP/2.0\r\n") == 505)
        #expect(status("GET / HTTP/1.1\r\n\r\n") == 400)               // no Host
        #expect(status("GET / HTTP/1.1\r\nHost: x\r\n folded\r\n\r\n") == 400)
        #expect(status("GET / HTTP/1.1\r\nHo st: x\r\n\r\n") == 400)
        #expect(status("\u{16}\u{03}\u{01}\u{02}\u{00} garbage\r\n") == 400)
        #expect(status("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n") == 505)
    }

    @Test func garbageIsRejectedWithoutWaitingForALineEnd() {
        var parser = HTTP1RequestParser()
        let (n, e) = parser.parse([0x16, 0x03, 0x01, 0x02, 0x00])   // a TLS ClientHello
        #expect(n == 1)
        #expect(e == .error(.badRequest("bad method")))
        var p2 = HTTP1RequestParser()
        #expect(p2.parse(Array("\r\nGET / HTTP/1.1\r\nHost: x\r\n\r\n".utf8)).event != nil)
    }

    @Test func http10KeepAliveRules() {
        guard case let .head(h)? = Self.events("GET / HTTP/1.0\r\n\r\n").first else { Issue.record("no head"); return }
        #expect(!h.keepAlive)
        guard case let .head(k)? = Self.events("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n").first else { Issue.record("no head"); return }
        #expect(k.keepAlive)
    }

    @Test func expectContinue() {
        guard case let .head(h)? = Self.events("POST / HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 3\r\n\r\n").first else {
            Issue.record("no head"); return
        }
        #expect(h.expectsContinue)
    }
}
