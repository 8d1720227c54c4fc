import CoreMetrics
import Foundation
import Prometheus

/// The service's metrics through swift-metrics, exposed by a Prometheus registry of its own (no
/// global bootstrap, so several services can live in one process, as in tests).
final class ServiceMetrics: Sendable {
    let registry = PrometheusCollectorRegistry()
    private let factory: PrometheusMetricsFactory

    init() {
        var factory = PrometheusMetricsFactory(registry: registry)
        let ms: [Duration] = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000].map { .milliseconds($0) }
        factory.defaultDurationHistogramBuckets = ms
        self.factory = factory
    }

    /// One finished exchange: counted by route pattern and status, with its body bytes.
    func request(route: String, status: Int, bytes: Int) {
        Counter(label: "synthclips_http_requests_total", dimensions: [("route", route), ("status", String(status))],
                factory: factory).increment()
        Counter(label: "synthclips_http_response_bytes_total", dimensions: [("route", route)], factory: factory)
            .increment(by: bytes)
    }

    func rendered(clips: Int, renderMilliseconds: Double, compressMilliseconds: Double) {
        Counter(label: "synthclips_clips_rendered_total", factory: factory).increment(by: clips)
        Timer(label: "synthclips_render_seconds", factory: factory)
            .recordNanoseconds(Int64(renderMilliseconds * 1e6))
        if compressMilliseconds > 0 {
            Timer(label: "synthclips_compress_seconds", factory: factory)
                .recordNanoseconds(Int64(compressMilliseconds * 1e6))
        }
    }

    func provenanceCommitted(waitMilliseconds: Double) {
        Timer(label: "synthclips_provenance_commit_wait_seconds", factory: factory)
            .recordNanoseconds(Int64(waitMilliseconds * 1e6))
    }

    func provenanceFailed() {
        Counter(label: "synthclips_provenance_failures_total", factory: factory).increment()
    }

    func queueDepths(renderQueue: Int, provenancePending: Int) {
        Gauge(label: "synthclips_render_queue_depth", factory: factory).record(renderQueue)
        Gauge(label: "synthclips_provenance_pending_rows", factory: factory).record(provenancePending)
    }

    /// The Prometheus text exposition.
    func exposition() -> [UInt8] {
        var buffer: [UInt8] = []
        registry.emit(into: &buffer)
        return buffer
    }
}
