/// Everything `synthclips serve` can be told, with its default. The command line and the
/// environment (`SYNTHCLIPS_*`) fill it; `HTTPServer`'s own limits come from its configuration.
public struct ServiceConfiguration: Sendable {
    public var host = "127.0.0.1"
    public var port = 8080
    /// The SQLite provenance store (created when missing).
    public var databasePath = "synthclips.sqlite"
    /// Render workers (default: one per core).
    public var workers: Int
    /// Queued render jobs beyond the busy workers before requests get 503. A queued job holds no
    /// buffers until it runs, so the queue can cover many clients' in-flight requests.
    public var queueCapacity: Int
    public var zstdLevel: Int32 = -3
    public var tlsCertificatePath: String?
    public var tlsPrivateKeyPath: String?
    /// Directory of images: the images pool (stage 8, image backgrounds, static images).
    public var imagesDirectory: String?
    /// Texture banks (`synthclips textures build`) that stand in for procedural pools.
    public var textureBanks: [String] = []
    /// Memory for cached textures.
    public var textureCacheBytes = 2 << 30
    /// When set, every route but /healthz, /readyz and /openapi.yaml requires `Authorization: Bearer TOKEN`.
    public var token: String?
    /// Whether responses wait for their provenance row to be durable (the default) or skip
    /// provenance entirely (a benchmark switch, never for production).
    public var provenanceEnabled = true
    /// Largest batch.
    public var maxBatchSize = 256
    /// Largest uncompressed video per response, in bytes.
    public var maxResponseVideoBytes = 256 << 20
    /// Name of this replica in provenance rows.
    public var replica: String

    public init(workers: Int, replica: String) {
        self.workers = workers
        self.queueCapacity = max(64, workers * 32)
        self.replica = replica
    }
}
