import Dispatch

/// The provenance store of one replica: a writer with group commit and a reader, over one
/// SQLite file in WAL mode.
///
/// ```swift
/// let store = try ProvenanceStore(path: "synthclips.sqlite", replica: "host-1")
/// store.record(row) { result in /* send the response's last bytes, or a 503 */ }
/// ```
///
/// Every stored property is an immutable reference to a `Sendable` object, so the class is
/// checked `Sendable` (no `@unchecked` here; the writer carries its own proof).
public final class ProvenanceStore: Sendable {
    public let path: String
    /// Written into every row: which replica served it (stores of several replicas can be merged).
    public let replica: String
    public let options: ProvenanceOptions
    /// Queries (runs, run, seed, requests, configuration) on the store's own read connection.
    public let reader: ProvenanceReader
    private let writer: GroupCommitWriter

    /// Opens the database at `path`, creating it when missing, switching it to WAL and applying
    /// migrations. Fails with `.schemaTooNew` for a file written by newer code, `.sqlite` or
    /// `.unwritable` when the file cannot be opened for writing.
    public init(path: String, replica: String, options: ProvenanceOptions = ProvenanceOptions()) throws(ProvenanceError) {
        self.path = path
        self.replica = replica
        self.options = options
        reader = ProvenanceReader(path: path, busyTimeoutMilliseconds: options.busyTimeoutMilliseconds)
        writer = try GroupCommitWriter(path: path, replica: replica, options: options, reader: reader)
    }

    // MARK: Writing

    /// Logs one response. `completion` is called exactly once, never inside this call, on an
    /// arbitrary thread (for committed rows, the writer's; keep it short, it delays the next
    /// group): with the row id once the row is durable, or with the error that kept it out —
    /// `.unwritable` (at once, without touching the disk, while the store is unwritable),
    /// `.invalidArgument` for a record that fails `validate()`, or `.sqlite`.
    /// With `durability == .off` it completes with row id 0 and writes nothing.
    public func record(_ record: ProvenanceRecord,
                       completion: @escaping @Sendable (Result<Int64, ProvenanceError>) -> Void) {
        if options.durability == .off {
            DispatchQueue.global().async { completion(.success(0)) }
            return
        }
        do throws(ProvenanceError) {
            try record.validate()
        } catch {
            DispatchQueue.global().async { completion(.failure(error)) }
            return
        }
        writer.enqueue(GroupCommitWriter.Job(record: record, completion: completion))
    }

    /// `record` and wait for its completion (tests, CLI; never on a thread the writer needs).
    @discardableResult
    public func recordAndWait(_ record: ProvenanceRecord) throws(ProvenanceError) -> Int64 {
        let done = DispatchSemaphore(value: 0)
        let outcome = Locked<Result<Int64, ProvenanceError>?>(nil)
        self.record(record) { result in
            outcome.withLock { $0 = result }
            done.signal()
        }
        done.wait()
        return try outcome.withLock { $0! }.get()
    }

    /// Returns once every row recorded before the call is written or failed (graceful shutdown).
    public func flush() {
        writer.flush()
    }

    // MARK: Health

    /// The last known state, without I/O: false from a failed write or probe until a write or
    /// probe succeeds again.
    public var isWritable: Bool { writer.isWritable }

    /// A real write probe for `/readyz`: commits (with fsync) one row of the `health` table after
    /// checking that the path still names the open file and that the file is writable. When the
    /// store was unwritable it first tries to recover: it reopens the path, creating and
    /// migrating a fresh database if the file was removed. Blocks for one commit.
    public func checkWritable() -> Result<Void, ProvenanceError> {
        writer.probe()
    }

    // MARK: Metrics

    /// Successful group commits of request rows so far.
    public var commitCount: Int { writer.state.withLock { $0.latency.commits } }

    /// Commit latency histogram, rows and failures so far.
    public func commitLatencySnapshot() -> CommitLatencySnapshot {
        writer.state.withLock { $0.latency }
    }

    /// Rows waiting for the writer right now (a queue depth for `/metrics`).
    public var pendingCount: Int { writer.state.withLock { $0.pending.count } }

    /// The linked SQLite's version ("3.40.1"), for the startup log.
    public static var sqliteVersion: String { SQLiteConnection.libraryVersion }

    // MARK: Queries (see `ProvenanceReader`)

    public func runs(limit: Int, cursor: String? = nil) throws(ProvenanceError) -> Page<RunSummary> {
        try reader.runs(limit: limit, cursor: cursor)
    }

    public func run(_ id: String, batchLimit: Int = 1000) throws(ProvenanceError) -> RunDetail? {
        try reader.run(id, batchLimit: batchLimit)
    }

    public func seed(_ seed: UInt64, stage: String? = nil, limit: Int = 1000) throws(ProvenanceError) -> [SeedHit] {
        try reader.seed(seed, stage: stage, limit: limit)
    }

    public func requests(filter: RequestFilter = RequestFilter(), limit: Int,
                         cursor: String? = nil) throws(ProvenanceError) -> Page<RequestRow> {
        try reader.requests(filter: filter, limit: limit, cursor: cursor)
    }

    public func configuration(hash: String) throws(ProvenanceError) -> ConfigurationEntry? {
        try reader.configuration(hash: hash)
    }
}
