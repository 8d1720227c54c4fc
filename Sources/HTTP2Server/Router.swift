/// Method + path pattern → handler. Patterns are literal segments and `{name}` segments
/// (one whole segment each): `/v1/clips/{stage}/{seed}`. Literal segments win over parameters
/// when both match. HEAD falls back to GET (the body is not sent). An unknown path answers 404;
/// a known path with another method answers 405 with `Allow`.
///
/// Handlers run on the connection's queue: they must be quick (parse, validate, look up).
/// Put real work in a `.deferred` or `.stream` body, which runs on the worker pool.
public struct Router: Sendable {
    public typealias Handler = @Sendable (Request) throws -> Response

    private enum Segment: Sendable, Equatable { case literal(String), parameter(String) }
    private struct Route: Sendable {
        var method: String
        var segments: [Segment]
        var handler: Handler
    }
    private var routes: [Route] = []

    public init() {}

    public mutating func add(_ method: String, _ pattern: String, _ handler: @escaping Handler) {
        let segments = Router.segments(of: pattern).map { s -> Segment in
            if s.hasPrefix("{") && s.hasSuffix("}") && s.count > 2 {
                return .parameter(String(s.dropFirst().dropLast()))
            }
            return .literal(s)
        }
        routes.append(Route(method: method.uppercased(), segments: segments, handler: handler))
    }
    public mutating func get(_ pattern: String, _ handler: @escaping Handler) { add("GET", pattern, handler) }
    public mutating func post(_ pattern: String, _ handler: @escaping Handler) { add("POST", pattern, handler) }
    public mutating func put(_ pattern: String, _ handler: @escaping Handler) { add("PUT", pattern, handler) }
    public mutating func delete(_ pattern: String, _ handler: @escaping Handler) { add("DELETE", pattern, handler) }

    public enum Match: Sendable {
        case found(Handler, parameters: [String: String])
        case methodNotAllowed(allow: [String])
        case notFound
    }

    public func match(method: String, path: String) -> Match {
        let parts = Router.segments(of: path)
        var allowed: [String] = []
        var best: (route: Route, params: [String: String], literals: Int)?
        var bestHeadFallback: (route: Route, params: [String: String], literals: Int)?
        for route in routes {
            guard let (params, literals) = Router.bind(route.segments, parts) else { continue }
            if !allowed.contains(route.method) { allowed.append(route.method) }
            if route.method == method {
                if best == nil || literals > best!.literals { best = (route, params, literals) }
            } else if method == "HEAD" && route.method == "GET" {
                if bestHeadFallback == nil || literals > bestHeadFallback!.literals {
                    bestHeadFallback = (route, params, literals)
                }
            }
        }
        if let b = best ?? bestHeadFallback { return .found(b.route.handler, parameters: b.params) }
        if allowed.isEmpty { return .notFound }
        if allowed.contains("GET") && !allowed.contains("HEAD") { allowed.append("HEAD") }
        return .methodNotAllowed(allow: allowed)
    }

    /// Routes `request` and runs its handler; maps 404/405 and thrown errors to responses.
    func respond(to request: Request, logger: any ServerLogger) -> Response {
        switch match(method: request.method, path: request.path) {
        case .notFound:
            return .text(status: 404, "not found")
        case let .methodNotAllowed(allow):
            var r = Response.text(status: 405, "method not allowed")
            r.headers.add(name: "allow", value: allow.joined(separator: ", "))
            return r
        case let .found(handler, parameters):
            var req = request
            req.pathParameters = parameters
            do {
                return try handler(req)
            } catch let e as HTTPError {
                return Response(status: e.status, headers: e.headers, body: .bytes(e.body))
            } catch {
                logger.log(.error, "handler for \(request.method) \(request.path) threw \(error)")
                return .text(status: 500, "internal server error")
            }
        }
    }

    private static func segments(of path: String) -> [String] {
        path.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
    }

    private static func bind(_ pattern: [Segment], _ parts: [String]) -> ([String: String], Int)? {
        guard pattern.count == parts.count else { return nil }
        var params: [String: String] = [:]
        var literals = 0
        for (seg, part) in zip(pattern, parts) {
            switch seg {
            case let .literal(l):
                guard l == part else { return nil }
                literals += 1
            case let .parameter(name):
                params[name] = Request.percentDecode(part, plusIsSpace: false)
            }
        }
        return (params, literals)
    }
}
