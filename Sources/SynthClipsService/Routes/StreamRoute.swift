import Dispatch
import HTTP2Server
import Provenance
import Synchronization
import SyntheticVideo

extension SynthClipsService {
    /// Batches one after another in one response body, each a complete safetensors document (one
    /// zstd frame each when compressed, so the body is a valid zstd stream). Rank r of world size
    /// w gets the global batch indices (start_index + j)·w + r for j = 0, 1, …, `count` of them
    /// (endless without `count`). Each batch is rendered only when the connection has room for
    /// it, so a slow reader never makes the server render ahead.
    func streamResponse(_ request: Request) throws -> Response {
        let context = try ClipRequestContext(request, route: "/v1/stream/{stage}")
        let parameters = try clipParameters(request, routeParameters: [
            "batch_size", "start_seed", "run", "start_index", "count", "rank", "world_size",
        ])
        let (size, start) = try batchShape(request.query, parameters: parameters)
        let worldSize = try ClipRequestContext.integer(request.query, "world_size", default: 1, in: 1...65_536)
        let rank = try ClipRequestContext.integer(request.query, "rank", default: 0, in: 0...65_535)
        guard rank < worldSize else {
            throw Problem.badParameter("rank", "rank \(rank) is not below world_size \(worldSize)", allowed: "0...world_size − 1")
        }
        let startIndex = try request.query["start_index"].map { try ClipRequestContext.unsigned($0, parameter: "start_index") } ?? 0
        let count = try request.query["count"].map { _ in
            try ClipRequestContext.integer(request.query, "count", default: 1, in: 1...1_000_000_000)
        }
        // The first batch's seeds must exist; later ones are checked as they come.
        let first = try batchSeeds(index: try globalIndex(startIndex, 0, worldSize, rank), size: size, start: start)
        // Later batches of a warm pool rarely need more than a few new textures.
        try warmer.requireWarm(parameters, seeds: first, cacheBytes: textures.cache.byteLimit)
        try requireWritableStore()

        var headers: HTTPHeaders = ["content-type": "application/vnd.safetensors"]
        headers.add(name: "x-synthclips-config-hash", value: parameters.generator.configurationHash)
        headers.add(name: "x-synthclips-generator-version", value: String(GeneratorVersion.current))
        if context.zstd { headers.add(name: "content-encoding", value: "zstd") }
        let compressors = context.zstd ? self.compressors : nil
        let sent = Atomic<Int>(0)
        return .stream(headers: headers) { [self] stream in
            let j = sent.add(1, ordering: .relaxed).oldValue
            if let count, j >= count { return nil }
            if stream.isCancelled { return nil }
            let index = try globalIndex(startIndex, UInt64(j), worldSize, rank)
            let seeds = try batchSeeds(index: index, size: size, start: start)
            if j > 0 {
                // The first batch was checked before the headers; a later one may reach cold textures.
                warmer.waitUntilWarm(parameters, seeds: seeds, cancelled: { stream.isCancelled })
            }
            let body = try ClipBody.render(parameters: parameters, seeds: seeds, compressor: compressors)
            metrics.rendered(clips: seeds.count, renderMilliseconds: body.renderMilliseconds,
                             compressMilliseconds: body.compressMilliseconds)
            let row = record(parameters, seeds: seeds, batch: (index, size), context: context,
                             bytes: body.bytes.count, renderMilliseconds: body.renderMilliseconds)
            try waitUntilDurable(row)
            return body.bytes
        }
    }

    private func globalIndex(_ start: UInt64, _ j: UInt64, _ worldSize: Int, _ rank: Int) throws -> UInt64 {
        let (step, o1) = start.addingReportingOverflow(j)
        let (scaled, o2) = step.multipliedReportingOverflow(by: UInt64(worldSize))
        let (index, o3) = scaled.addingReportingOverflow(UInt64(rank))
        guard !o1, !o2, !o3 else { throw Problem.badParameter("start_index", "the batch index passes \(UInt64.max)") }
        return index
    }

    /// Blocks the calling worker until `row` is durable (streams send a batch only after that).
    private func waitUntilDurable(_ row: ProvenanceRecord) throws {
        let done = DispatchSemaphore(value: 0)
        let outcome = Mutex<Result<Void, Problem>?>(nil)
        persist(row) { result in
            outcome.withLock { $0 = result }
            done.signal()
        }
        done.wait()
        if case .failure(let problem)? = outcome.withLock({ $0 }) { throw problem.httpError }
    }
}

