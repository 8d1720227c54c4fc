import Testing
@testable import HTTP2Server

@Suite struct RouterTests {
    func router() -> Router {
        var r = Router()
        r.get("/v1/clips/{stage}/{seed}") { req in
            .text("\(req.pathParameters["stage"] ?? "-") \(req.pathParameters["seed"] ?? "-")")
        }
        r.get("/v1/clips/special/{seed}") { _ in .text("special") }
        r.post("/v1/configs") { _ in .text("posted") }
        return r
    }

    @Test func bindsParametersAndPrefersLiterals() throws {
        let r = router()
        guard case let .found(_, params) = r.match(method: "GET", path: "/v1/clips/moving%20circles/42") else {
            Issue.record("no match"); return
        }
        #expect(params == ["stage": "moving circles", "seed": "42"])
        let resp = r.respond(to: Request(method: "GET", target: "/v1/clips/special/1"), logger: StderrLogger())
        guard case let .bytes(b) = resp.body else { Issue.record("not bytes"); return }
        #expect(String(decoding: b, as: UTF8.self) == "special")
    }

    @Test func notFoundAndMethodNotAllowed() {
        let r = router()
        #expect(r.respond(to: Request(method: "GET", target: "/nope"), logger: StderrLogger()).status == 404)
        let resp = r.respond(to: Request(method: "DELETE", target: "/v1/configs"), logger: StderrLogger())
        #expect(resp.status == 405)
        #expect(resp.headers["allow"] == "POST")
        if case .found = r.match(method: "HEAD", path: "/v1/clips/a/1") {} else { Issue.record("HEAD should fall back to GET") }
    }

    @Test func queryParsing() {
        let q = Request(method: "GET", target: "/x?a=1&b=hello+world&c=%41%zz&a=2&flag")
        #expect(q.path == "/x")
        #expect(q.query["a"] == "2")
        #expect(q.query["b"] == "hello world")
        #expect(q.query["c"] == "A%zz")
        #expect(q.query["flag"] == "")
        #expect(q.queryItems.count == 5)
    }

    @Test func handlerErrorsMapToStatuses() {
        var r = Router()
        r.get("/bad") { _ in throw HTTPError(status: 400, message: "bad seed") }
        struct Boom: Error {}
        r.get("/boom") { _ in throw Boom() }
        #expect(r.respond(to: Request(method: "GET", target: "/bad"), logger: StderrLogger(minimumLevel: .error)).status == 400)
        #expect(r.respond(to: Request(method: "GET", target: "/boom"), logger: StderrLogger(minimumLevel: .error)).status == 500)
    }
}
