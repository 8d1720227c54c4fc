/// Whether a response waits for its provenance row.
public enum Durability: String, Sendable, Codable, CaseIterable {
    /// `record` completes only after the row's transaction is committed with
    /// `synchronous=FULL` (fsync of the WAL): the default, and the only mode the service ships.
    case beforeResponse
    /// `record` completes at once with row id 0 and writes nothing. The hidden benchmark switch
    /// (`--provenance off`) that measures what logging costs; never for real use.
    case off
}

/// How a `ProvenanceStore` behaves. Every field has a default suitable for the service.
public struct ProvenanceOptions: Sendable, Equatable {
    /// Default `.beforeResponse`.
    public var durability: Durability
    /// How long a statement waits for another connection's lock before failing. Default 5000 ms.
    public var busyTimeoutMilliseconds: Int32
    /// While the store is unwritable, `record` fails fast without touching the disk, and lets
    /// one write through as a recovery attempt at most this often. `checkWritable()` always
    /// probes. Default 1 second.
    public var retryIntervalSeconds: Double
    /// The most rows one transaction holds; a longer queue is written in several. Default 4096.
    public var maxRowsPerCommit: Int

    public init(durability: Durability = .beforeResponse, busyTimeoutMilliseconds: Int32 = 5000,
                retryIntervalSeconds: Double = 1, maxRowsPerCommit: Int = 4096) {
        self.durability = durability
        self.busyTimeoutMilliseconds = busyTimeoutMilliseconds
        self.retryIntervalSeconds = retryIntervalSeconds
        self.maxRowsPerCommit = maxRowsPerCommit
    }
}
