import Foundation
import HTTP2Server
import Provenance
import SyntheticVideo

extension SynthClipsService {
    func addProvenanceRoutes(to router: inout Router) {
        add(&router, "GET", "/v1/provenance/runs") { [self] request in
            let limit = try ClipRequestContext.integer(request.query, "limit", default: 100, in: 1...1000)
            return try Self.json(encodable: try query { try store.runs(limit: limit, cursor: request.query["cursor"]) })
        }

        add(&router, "GET", "/v1/provenance/runs/{run}") { [self] request in
            let id = request.pathParameters["run"] ?? ""
            let limit = try ClipRequestContext.integer(request.query, "limit", default: 1000, in: 1...1000)
            guard let detail = try query({ try store.run(id, batchLimit: limit) }) else {
                throw Problem.notFound("no requests were logged for run '\(id)'")
            }
            return try Self.json(encodable: detail)
        }

        add(&router, "GET", "/v1/provenance/seeds/{seed}") { [self] request in
            let seed = try ClipRequestContext.unsigned(request.pathParameters["seed"] ?? "", parameter: "seed")
            let limit = try ClipRequestContext.integer(request.query, "limit", default: 100, in: 1...1000)
            let hits = try query { try store.seed(seed, stage: request.query["stage"], limit: limit) }
            let served = hits.map { SeedService(hit: $0, regenerate: Self.regenerateURL(seed: seed, row: $0.request)) }
            return try Self.json(encodable: SeedAnswer(seed: seed, servedBy: served))
        }

        add(&router, "GET", "/v1/provenance/requests") { [self] request in
            let q = request.query
            let limit = try ClipRequestContext.integer(q, "limit", default: 100, in: 1...1000)
            let filter = RequestFilter(run: q["run"], stage: q["stage"], configurationHash: q["config_hash"],
                                       route: q["route"], since: q["since"], until: q["until"])
            return try Self.json(encodable: try query { try store.requests(filter: filter, limit: limit, cursor: q["cursor"]) })
        }
    }

    /// Runs a store query, mapping its errors to problems (a bad cursor or bound is the
    /// client's fault; an unreadable store is a 503).
    private func query<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as ProvenanceError {
            switch error {
            case .invalidCursor(let detail): throw Problem.badParameter("cursor", detail)
            case .invalidArgument(let name, let reason): throw Problem.badParameter(name, reason)
            case .notFound(let what): throw Problem.notFound(what)
            default: throw Problem.unavailable("the provenance store cannot be read: \(error)")
            }
        }
    }

    /// The URL that renders the same clip again: the configuration by hash (it holds every
    /// override), the seed, and the frames as they were chosen.
    static func regenerateURL(seed: UInt64, row: RequestRow) -> String {
        // The stage id when it names exactly this configuration (same bytes, metadata included),
        // else the configuration by hash.
        let preset = Stage.all.contains { $0.id == row.stage && $0.configuration.hash == row.configurationHash }
        var url = "/v1/clips/\(preset ? row.stage : row.configurationHash)/\(seed)"
        let frames = row.frames
        if frames.hasPrefix("from:"), let start = frames.split(separator: ":").dropFirst().first {
            url += "?start=\(start)"
        } else if !frames.hasPrefix("sampled:") {
            url += "?frame_indices=\(frames)"
        }
        return url
    }
}

struct SeedService: Encodable {
    let hit: SeedHit
    let regenerate: String
}

struct SeedAnswer: Encodable {
    let seed: UInt64
    let servedBy: [SeedService]
}
