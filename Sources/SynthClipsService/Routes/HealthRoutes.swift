import HTTP2Server

extension SynthClipsService {
    func addHealthRoutes(to router: inout Router, pool: @escaping @Sendable () -> WorkerPool?) {
        add(&router, "GET", "/healthz", open: true) { _ in .text("ok\n") }

        // Ready: the store takes writes and the render pool runs. Clip routes answer 503 while
        // the store is unwritable; readiness recovers with it, without a restart.
        add(&router, "GET", "/readyz", open: true) { [self] _ in
            if case .failure(let error) = store.checkWritable() {
                throw Problem.unavailable("the provenance store is not writable: \(error)", retryAfter: 5)
            }
            guard pool() != nil else { throw Problem.unavailable("the render pool is not running") }
            return .text("ready\n")
        }

        add(&router, "GET", "/metrics") { [self] _ in
            metrics.queueDepths(renderQueue: pool()?.queuedCount ?? 0, provenancePending: store.pendingCount)
            return .bytes(headers: ["content-type": "text/plain; version=0.0.4; charset=utf-8"], metrics.exposition())
        }

        add(&router, "GET", "/openapi.yaml", open: true) { [self] _ in
            .bytes(headers: ["content-type": "application/yaml"], openAPIDocument)
        }
    }
}
