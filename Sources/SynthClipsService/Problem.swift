import HTTP2Server
import SyntheticVideo

/// An RFC 9457 problem: the one error type the routes throw. `response` renders it as
/// `application/problem+json`; statuses say whose fault it is (4xx: the request's, 503: load or
/// an unwritable store). Nothing a client sends maps to 500.
struct Problem: Error, Sendable {
    var status: Int
    var title: String
    var detail: String
    /// The parameter at fault and its allowed values, when there is one.
    var parameter: String?
    var allowed: String?
    var retryAfterSeconds: Int?

    static func badParameter(_ name: String, _ detail: String, allowed: String? = nil) -> Problem {
        Problem(status: 400, title: "Bad parameter", detail: detail, parameter: name, allowed: allowed)
    }

    static func notFound(_ detail: String) -> Problem {
        Problem(status: 404, title: "Not found", detail: detail)
    }

    static func tooLarge(_ detail: String, parameter: String? = nil) -> Problem {
        Problem(status: 413, title: "Request too large", detail: detail, parameter: parameter)
    }

    static func unavailable(_ detail: String, retryAfter: Int = 1) -> Problem {
        Problem(status: 503, title: "Service unavailable", detail: detail, retryAfterSeconds: retryAfter)
    }

    var response: Response {
        var members: [String: JSONValue] = [
            "type": .string("about:blank"), "title": .string(title), "status": .integer(Int64(status)),
            "detail": .string(detail),
        ]
        if let parameter { members["parameter"] = .string(parameter) }
        if let allowed { members["allowed"] = .string(allowed) }
        var headers: HTTPHeaders = ["content-type": "application/problem+json"]
        if let retryAfterSeconds { headers.add(name: "retry-after", value: String(retryAfterSeconds)) }
        return .bytes(status: status, headers: headers, Array(JSONValue.object(members).canonicalText.utf8))
    }
}

extension Problem {
    /// A configuration error as a 400 naming the field (or 404 for an unknown stage).
    init(_ error: any Error, parameter: String? = nil) {
        guard let error = error as? ConfigurationError else {
            self = .badParameter(parameter ?? "request", "\(error)")
            return
        }
        switch error {
        case .unknownStage:
            self = .notFound(error.description)
        case .noImagePool, .imagePoolMismatch:
            // The request is well-formed; this server cannot serve it as configured.
            self = Problem(status: 409, title: "Images pool unavailable", detail: error.description,
                           parameter: error.field)
        case .invalidValue(_, _, let allowed):
            self = .badParameter(parameter ?? error.field ?? "configuration", error.description, allowed: allowed)
        default:
            self = .badParameter(parameter ?? error.field ?? "configuration", error.description)
        }
    }
}
