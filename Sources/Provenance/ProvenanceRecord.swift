/// What the service logs for one clip-carrying response.
///
/// The seed range is `[seedFirst, seedFirst + seedCount)`: a single clip has `seedCount` 1 and
/// no batch index; batch k of size B holds B seeds. The replica is not here: the store adds its own.
public struct ProvenanceRecord: Sendable, Equatable, Codable {
    /// When the response was served (RFC 3339 UTC with milliseconds, see `Timestamp`).
    public var time: String
    /// The run id (`X-Run-Id` or `?run=`), nil when the request named none.
    public var run: String?
    /// The client's address, nil when unknown.
    public var client: String?
    /// The route that served it, e.g. `/v1/batches/{stage}/{index}`.
    public var route: String
    /// The stage id (or the configuration hash the request named instead of a stage).
    public var stage: String
    /// SHA-256 of the canonical configuration (hex).
    public var configurationHash: String
    /// The canonical configuration JSON; stored once per hash (the first one written wins).
    public var configurationCanonicalJSON: String
    public var seedFirst: UInt64
    /// At least 1; `seedFirst + seedCount − 1` must not pass `UInt64.max`.
    public var seedCount: Int
    /// Nil for single clips.
    public var batchIndex: Int?
    public var batchSize: Int?
    /// The frame indices as a JSON array, or a description of how they were sampled.
    public var frames: String
    public var generatorVersion: Int
    /// Bytes of the response body as sent.
    public var bytes: Int
    public var renderMilliseconds: Double

    public init(time: String = Timestamp.now(), run: String?, client: String?, route: String, stage: String,
                configurationHash: String, configurationCanonicalJSON: String, seedFirst: UInt64,
                seedCount: Int, batchIndex: Int?, batchSize: Int?, frames: String, generatorVersion: Int,
                bytes: Int, renderMilliseconds: Double) {
        self.time = time
        self.run = run
        self.client = client
        self.route = route
        self.stage = stage
        self.configurationHash = configurationHash
        self.configurationCanonicalJSON = configurationCanonicalJSON
        self.seedFirst = seedFirst
        self.seedCount = seedCount
        self.batchIndex = batchIndex
        self.batchSize = batchSize
        self.frames = frames
        self.generatorVersion = generatorVersion
        self.bytes = bytes
        self.renderMilliseconds = renderMilliseconds
    }

    /// The last seed of the range.
    public var seedLast: UInt64 { seedFirst &+ UInt64(max(seedCount, 1) - 1) }

    /// Checks every field against the schema's rules, so a row can never fail inside a group
    /// commit (where it would fail every other row of its transaction).
    public func validate() throws(ProvenanceError) {
        func invalid(_ name: String, _ reason: String) -> ProvenanceError {
            .invalidArgument(name: name, reason: reason)
        }
        guard Timestamp.isValid(time) else { throw invalid("time", "'\(time)' is not of the form 2025-01-31T23:59:59.123Z") }
        guard seedCount >= 1 else { throw invalid("seedCount", "must be at least 1, got \(seedCount)") }
        guard UInt64(seedCount - 1) <= UInt64.max - seedFirst else {
            throw invalid("seedCount", "seeds \(seedFirst) + \(seedCount) pass UInt64.max")
        }
        guard !route.isEmpty else { throw invalid("route", "must not be empty") }
        guard !stage.isEmpty else { throw invalid("stage", "must not be empty") }
        guard !configurationHash.isEmpty else { throw invalid("configurationHash", "must not be empty") }
        guard !configurationCanonicalJSON.isEmpty else { throw invalid("configurationCanonicalJSON", "must not be empty") }
        if let batchIndex, batchIndex < 0 { throw invalid("batchIndex", "must not be negative, got \(batchIndex)") }
        if let batchSize, batchSize < 1 { throw invalid("batchSize", "must be at least 1, got \(batchSize)") }
        guard bytes >= 0 else { throw invalid("bytes", "must not be negative, got \(bytes)") }
        guard renderMilliseconds.isFinite, renderMilliseconds >= 0 else {
            throw invalid("renderMilliseconds", "must be a finite non-negative number, got \(renderMilliseconds)")
        }
    }
}
