import Dispatch
import Foundation
import HTTP2Server
import Provenance
import SyntheticVideo
import TensorCodec

extension SynthClipsService {
    func addClipRoutes(to router: inout Router) {
        add(&router, "GET", "/v1/clips/{stage}/{seed}") { [self] request in
            let route = "/v1/clips/{stage}/{seed}"
            let context = try ClipRequestContext(request, route: route)
            let parameters = try clipParameters(request, routeParameters: ["run"])
            let seed = try ClipRequestContext.unsigned(request.pathParameters["seed"] ?? "", parameter: "seed")
            let etag = etag(parameters, seeds: "\(seed)", zstd: context.zstd)
            if let match = request.headers["if-none-match"], match.split(separator: ",").contains(where: {
                $0.trimmingCharacters(in: .whitespaces) == etag || $0.trimmingCharacters(in: .whitespaces) == "*"
            }) {
                return .empty(status: 304, headers: ["etag": etag, "cache-control": "public, max-age=31536000, immutable"])
            }
            var headers: HTTPHeaders = ["etag": etag, "cache-control": "public, max-age=31536000, immutable"]
            headers.add(name: "vary", value: "accept-encoding")
            return try clipResponse(parameters, seeds: [seed], batch: nil, context: context, headers: headers)
        }

        add(&router, "GET", "/v1/batches/{stage}/{index}") { [self] request in
            let context = try ClipRequestContext(request, route: "/v1/batches/{stage}/{index}")
            let parameters = try clipParameters(request, routeParameters: ["batch_size", "start_seed", "run"])
            let index = try ClipRequestContext.unsigned(request.pathParameters["index"] ?? "", parameter: "index")
            let (size, start) = try batchShape(request.query, parameters: parameters)
            let seeds = try batchSeeds(index: index, size: size, start: start)
            return try clipResponse(parameters, seeds: seeds, batch: (index, size), context: context, headers: [:])
        }

        add(&router, "GET", "/v1/clips/{stage}/{seed}/frames/{frame}") { [self] request in
            let name = request.pathParameters["frame"] ?? ""
            guard name.hasSuffix(".png"), let t = Int(name.dropLast(4)), (0...VideoGenerator.maxFrameIndex).contains(t) else {
                throw Problem.badParameter("frame", "frames are addressed as {t}.png with t in 0...\(VideoGenerator.maxFrameIndex), got '\(name)'",
                                           allowed: "0...\(VideoGenerator.maxFrameIndex)")
            }
            let parameters = try clipParameters(request, routeParameters: ["run"], frames: .explicit([t]))
            return try pngResponse(request, parameters: parameters, route: "/v1/clips/{stage}/{seed}/frames/{t}.png", columns: 1)
        }

        add(&router, "GET", "/v1/clips/{stage}/{seed}/preview.png") { [self] request in
            let parameters = try clipParameters(request, routeParameters: ["run"])
            return try pngResponse(request, parameters: parameters, route: "/v1/clips/{stage}/{seed}/preview.png", columns: 4)
        }

        add(&router, "GET", "/v1/stream/{stage}") { [self] request in
            try streamResponse(request)
        }
    }

    func clipParameters(_ request: Request, routeParameters: Set<String>,
                        frames: ClipParameters.Frames? = nil) throws -> ClipParameters {
        let stage = request.pathParameters["stage"] ?? ""
        let parameters = try ClipParameters(stage: stage, query: request.queryItems, resolve: resolve,
                                            textures: textures, routeParameters: routeParameters)
        guard let frames else { return parameters }
        return ClipParameters(stage: parameters.stage, generator: parameters.generator, frames: frames)
    }

    func batchShape(_ query: [String: String], parameters: ClipParameters) throws -> (size: Int, start: UInt64) {
        let size = try ClipRequestContext.integer(query, "batch_size", default: 16, in: 1...configuration.maxBatchSize)
        let clipBytes = parameters.generator.clipByteCount(frames: parameters.frameCount)
        if clipBytes * size > configuration.maxResponseVideoBytes {
            throw Problem.tooLarge("\(size) clips of \(clipBytes) bytes exceed the response limit of \(configuration.maxResponseVideoBytes) bytes; use a smaller batch_size, resolution or frame count", parameter: "batch_size")
        }
        let start = try query["start_seed"].map { try ClipRequestContext.unsigned($0, parameter: "start_seed") } ?? 0
        return (size, start)
    }

    /// Seeds S + k·B … S + k·B + B − 1 of batch k (DESIGN.md), or a 400 when they pass UInt64.max.
    func batchSeeds(index: UInt64, size: Int, start: UInt64) throws -> [UInt64] {
        let (offset, o1) = index.multipliedReportingOverflow(by: UInt64(size))
        let (first, o2) = start.addingReportingOverflow(offset)
        guard !o1, !o2, first <= UInt64.max - UInt64(size - 1) else {
            throw Problem.badParameter("index", "batch \(index) of size \(size) from seed \(start) passes the largest seed \(UInt64.max)")
        }
        return (0..<UInt64(size)).map { first + $0 }
    }

    func etag(_ parameters: ClipParameters, seeds: String, zstd: Bool) -> String {
        let key = "\(parameters.generator.configurationHash)|\(seeds)|\(parameters.framesDescription)|\(GeneratorVersion.current)"
        return "\"" + String(sha256Hex(Array(key.utf8)).prefix(32)) + (zstd ? "-zst" : "") + "\""
    }

    /// 503 unless the store takes writes. While it is marked unwritable, each request probes it
    /// (a small committed write), so clip routes come back as soon as the store is fixed.
    func requireWritableStore() throws {
        guard configuration.provenanceEnabled else { return }
        guard store.isWritable || (try? store.checkWritable().get()) != nil else {
            throw Problem.unavailable("the provenance store cannot be written, and nothing is served unlogged", retryAfter: 5)
        }
    }

    func record(_ parameters: ClipParameters, seeds: [UInt64], batch: (index: UInt64, size: Int)?,
                context: ClipRequestContext, bytes: Int, renderMilliseconds: Double) -> ProvenanceRecord {
        ProvenanceRecord(
            run: context.run, client: context.client, route: context.route, stage: parameters.stage,
            configurationHash: parameters.generator.configurationHash,
            configurationCanonicalJSON: parameters.generator.configuration.canonicalText,
            seedFirst: seeds[0], seedCount: seeds.count, batchIndex: batch.map { Int(clamping: $0.index) },
            batchSize: batch?.size, frames: parameters.framesDescription, generatorVersion: GeneratorVersion.current,
            bytes: bytes, renderMilliseconds: renderMilliseconds)
    }

    /// Logs `record` and calls `done` once it is durable (or at once when provenance is off);
    /// a failed write ends the response with 503: nothing is served unlogged.
    func persist(_ record: ProvenanceRecord, done: @escaping @Sendable (Result<Void, Problem>) -> Void) {
        guard configuration.provenanceEnabled else { return done(.success(())) }
        let start = DispatchTime.now().uptimeNanoseconds
        let metrics = self.metrics
        store.record(record) { result in
            switch result {
            case .success:
                metrics.provenanceCommitted(waitMilliseconds: Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
                done(.success(()))
            case .failure(let error):
                metrics.provenanceFailed()
                done(.failure(.unavailable("the provenance row could not be written (\(error)); nothing is served unlogged", retryAfter: 5)))
            }
        }
    }

    /// Renders `seeds` on the worker pool; the body (and its headers) go out once the
    /// provenance row is durable.
    func clipResponse(_ parameters: ClipParameters, seeds: [UInt64], batch: (index: UInt64, size: Int)?,
                      context: ClipRequestContext, headers: HTTPHeaders) throws -> Response {
        try requireWritableStore()
        var headers = headers
        headers.add(name: "content-type", value: "application/vnd.safetensors")
        headers.add(name: "x-synthclips-config-hash", value: parameters.generator.configurationHash)
        headers.add(name: "x-synthclips-generator-version", value: String(GeneratorVersion.current))
        headers.add(name: "x-synthclips-seeds", value: "\(seeds[0])-\(seeds[seeds.count - 1])")
        if context.zstd { headers.add(name: "content-encoding", value: "zstd") }
        let compressors = context.zstd ? self.compressors : nil
        return Response(status: 200, headers: headers, body: .deferred { [self] finish in
            let body: ClipBody
            do {
                // On the worker, not the connection's queue: the check walks every object of every clip.
                try warmer.requireWarm(parameters, seeds: seeds, cacheBytes: textures.cache.byteLimit)
                body = try ClipBody.render(parameters: parameters, seeds: seeds, compressor: compressors)
            } catch {
                return finish(.failure(Problem.rendering(error)))
            }
            metrics.rendered(clips: seeds.count, renderMilliseconds: body.renderMilliseconds,
                             compressMilliseconds: body.compressMilliseconds)
            let row = record(parameters, seeds: seeds, batch: batch, context: context, bytes: body.bytes.count,
                             renderMilliseconds: body.renderMilliseconds)
            persist(row) { outcome in
                switch outcome {
                case .success:
                    finish(.success(DeferredBody(headers: ["server-timing": body.serverTiming], bytes: body.bytes)))
                case .failure(let problem):
                    finish(.failure(problem.httpError))
                }
            }
        })
    }
}

extension Problem {
    /// The problem as the server library's error type, for failures after a handler returned.
    /// A failure of a deferred body's work as the error it finishes with: a problem (warm-up 503,
    /// 413) as itself, a texture that could not be loaded (a bank or image file that changed or
    /// vanished) as a 500 problem naming it, anything else as is.
    static func rendering(_ error: any Error) -> any Error {
        if let problem = error as? Problem { return problem.httpError }
        guard let error = error as? TextureError else { return error }
        return Problem(status: 500, title: "Texture unavailable", detail: error.description).httpError
    }

    var httpError: HTTPError {
        let response = self.response
        guard case .bytes(let body) = response.body else { return HTTPError(status: status, message: detail) }
        return HTTPError(status: status, headers: response.headers, body: body)
    }
}
