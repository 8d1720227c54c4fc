/// Read-only queries over a provenance database.
///
/// Uses its own read-only connection; in WAL mode readers never block the writer and see every
/// committed transaction. The CLI opens one directly; a `ProvenanceStore` owns one and answers
/// its queries through it. Queries on one reader run one at a time.
///
/// Limits: every listing takes `limit` in `ProvenanceReader.limitRange` (1...1000); outside it
/// is `.invalidArgument(name: "limit", …)` (the service checks first and answers 400).
public final class ProvenanceReader: Sendable {
    /// The bounds of every `limit` argument.
    public static let limitRange = 1...1000

    public let path: String
    private let busyTimeoutMilliseconds: Int32
    /// `connection` is nil until first used, after `close`, and while suspended.
    private struct Slot {
        // Never leaves the lock: every use is inside `withConnection`.
        var connection: SQLiteConnection?
        var suspended = false
    }
    // Sendable because `Locked` is; the non-Sendable connection inside is only touched with the
    // lock held (see `withConnection`).
    private let slot = Locked(Slot())

    /// Opens `path` read-only. Fails with `.notFound` when there is no file, `.schemaTooNew` or
    /// `.schemaTooOld` when its schema is not this code's.
    public convenience init(path: String) throws(ProvenanceError) {
        self.init(path: path, busyTimeoutMilliseconds: 5000)
        try withConnection { _ throws(ProvenanceError) in }
    }

    /// A reader that opens lazily (the store's: its writer creates the file first).
    init(path: String, busyTimeoutMilliseconds: Int32) {
        self.path = path
        self.busyTimeoutMilliseconds = busyTimeoutMilliseconds
    }

    // MARK: Queries

    /// Runs in ascending order of run id, `limit` per page. Requests logged without a run id
    /// belong to no run (find them with `requests(filter:)`).
    public func runs(limit: Int, cursor: String? = nil) throws(ProvenanceError) -> Page<RunSummary> {
        try Self.check(limit: limit)
        let after = try cursor.map { c throws(ProvenanceError) in try Cursor.decode(c, kind: .runs) }
        return try withConnection { db throws(ProvenanceError) in
            let statement = try db.prepare("""
                SELECT \(Self.summaryColumns) FROM requests
                WHERE run IS NOT NULL AND (?1 IS NULL OR run > ?1)
                GROUP BY run ORDER BY run LIMIT ?2
                """)
            try statement.bind(after, at: 1)
            try statement.bind(limit + 1, at: 2)
            var items: [RunSummary] = []
            while try statement.step() { items.append(Self.summary(statement)) }
            return Self.page(items, limit: limit) { Cursor.encode($0.run, kind: .runs) }
        }
    }

    /// One run: its totals, its first `batchLimit` responses (1...1000, default 1000) and the
    /// configurations it used. Nil when no response carried this run id.
    public func run(_ id: String, batchLimit: Int = 1000) throws(ProvenanceError) -> RunDetail? {
        try Self.check(limit: batchLimit, name: "batchLimit")
        return try withConnection { db throws(ProvenanceError) -> RunDetail? in
            let totals = try db.prepare("SELECT \(Self.summaryColumns) FROM requests WHERE run = ?1 GROUP BY run")
            try totals.bind(id, at: 1)
            guard try totals.step() else { return nil }
            let summary = Self.summary(totals)

            let rows = try db.prepare("SELECT \(Self.rowColumns) FROM requests WHERE run = ?1 ORDER BY id LIMIT ?2")
            try rows.bind(id, at: 1)
            try rows.bind(batchLimit + 1, at: 2)
            var batches: [RequestRow] = []
            while try rows.step() { batches.append(Self.row(rows)) }
            let truncated = batches.count > batchLimit
            if truncated { batches.removeLast() }

            let configs = try db.prepare("""
                SELECT hash, canonical, first_seen FROM configurations
                WHERE hash IN (SELECT DISTINCT config_hash FROM requests WHERE run = ?1) ORDER BY hash
                """)
            try configs.bind(id, at: 1)
            var configurations: [ConfigurationEntry] = []
            while try configs.step() { configurations.append(Self.configuration(configs)) }
            return RunDetail(summary: summary, batches: batches, batchesTruncated: truncated,
                             configurations: configurations)
        }
    }

    /// Every logged response whose seed range holds `seed` (optionally only of `stage`), oldest
    /// first, at most `limit` (1...1000, default 1000).
    public func seed(_ seed: UInt64, stage: String? = nil, limit: Int = 1000) throws(ProvenanceError) -> [SeedHit] {
        try Self.check(limit: limit)
        return try withConnection { db throws(ProvenanceError) in
            // A range holding `seed` starts at most (longest range − 1) below it: that bounds the
            // index scan on seed_lo from both sides.
            let longest = max(1, try db.scalarInt("SELECT max(seed_count) FROM requests"))
            let key = SeedEncoding.orderKey(seed)
            let (lowest, overflow) = key.subtractingReportingOverflow(longest - 1)
            let statement = try db.prepare("""
                SELECT \(Self.rowColumns) FROM requests
                WHERE seed_lo BETWEEN ?1 AND ?2 AND seed_hi >= ?2 AND (?3 IS NULL OR stage = ?3)
                ORDER BY id LIMIT ?4
                """)
            try statement.bind(overflow ? Int64.min : lowest, at: 1)
            try statement.bind(key, at: 2)
            try statement.bind(stage, at: 3)
            try statement.bind(limit, at: 4)
            var hits: [SeedHit] = []
            while try statement.step() {
                let row = Self.row(statement)
                hits.append(SeedHit(seed: seed, position: Int(seed - row.seedFirst), request: row))
            }
            return hits
        }
    }

    /// Logged responses matching `filter`, in the order they were logged (ascending id).
    public func requests(filter: RequestFilter = RequestFilter(), limit: Int,
                         cursor: String? = nil) throws(ProvenanceError) -> Page<RequestRow> {
        try Self.check(limit: limit)
        for (name, bound) in [("since", filter.since), ("until", filter.until)] {
            if let bound, !Timestamp.isValidBound(bound) {
                throw .invalidArgument(name: name, reason: "'\(bound)' is not an RFC 3339 UTC time like 2025-01-31T23:59:59.123Z (or a prefix of one)")
            }
        }
        let after = try cursor.map { c throws(ProvenanceError) in try Cursor.decodeRequestID(c) } ?? 0
        var conditions = ["id > ?1"]
        var texts: [String] = []
        for (column, op, value) in [("run", "=", filter.run), ("stage", "=", filter.stage),
                                    ("config_hash", "=", filter.configurationHash), ("route", "=", filter.route),
                                    ("time", ">=", filter.since), ("time", "<", filter.until)] {
            guard let value else { continue }
            texts.append(value)
            conditions.append("\(column) \(op) ?\(texts.count + 2)")
        }
        let sql = "SELECT \(Self.rowColumns) FROM requests WHERE \(conditions.joined(separator: " AND ")) ORDER BY id LIMIT ?2"
        return try withConnection { db throws(ProvenanceError) in
            let statement = try db.prepare(sql)
            try statement.bind(after, at: 1)
            try statement.bind(limit + 1, at: 2)
            for (offset, text) in texts.enumerated() { try statement.bind(text, at: Int32(offset + 3)) }
            var rows: [RequestRow] = []
            while try statement.step() { rows.append(Self.row(statement)) }
            return Self.page(rows, limit: limit) { Cursor.encodeRequestID($0.id) }
        }
    }

    /// The configuration stored under `hash`, nil when this store never served it.
    public func configuration(hash: String) throws(ProvenanceError) -> ConfigurationEntry? {
        try withConnection { db throws(ProvenanceError) -> ConfigurationEntry? in
            let statement = try db.prepare("SELECT hash, canonical, first_seen FROM configurations WHERE hash = ?1")
            try statement.bind(hash, at: 1)
            return try statement.step() ? Self.configuration(statement) : nil
        }
    }

    /// Runs `PRAGMA integrity_check` and answers its lines ("ok" when the file is sound).
    public func integrityCheck() throws(ProvenanceError) -> [String] {
        try withConnection { db throws(ProvenanceError) in
            let statement = try db.prepare("PRAGMA integrity_check")
            var lines: [String] = []
            while try statement.step() { lines.append(statement.text(at: 0) ?? "") }
            return lines
        }
    }

    // MARK: Connection

    /// Drops the connection and refuses to reopen until `resume()`: the writer calls this
    /// before it reopens the path, so no stale handle to a removed file survives.
    func suspend() {
        slot.withLock { $0.connection = nil; $0.suspended = true }
    }

    func resume() {
        slot.withLock { $0.suspended = false }
    }

    private func withConnection<R>(_ body: (SQLiteConnection) throws(ProvenanceError) -> R) throws(ProvenanceError) -> R {
        try slot.withLock { slot throws(ProvenanceError) -> R in
            if slot.suspended { throw .unwritable("\(path) is being reopened") }
            if let connection = slot.connection { return try body(connection) }
            guard FileStatus.exists(path) else { throw .notFound("no provenance database at \(path)") }
            let connection = try SQLiteConnection(path: path, mode: .readOnly,
                                                  busyTimeoutMilliseconds: busyTimeoutMilliseconds)
            try Migrations.requireLatest(connection)
            slot.connection = connection
            return try body(connection)
        }
    }

    // MARK: Rows

    static func check(limit: Int, name: String = "limit") throws(ProvenanceError) {
        guard limitRange.contains(limit) else {
            throw .invalidArgument(name: name, reason: "must be in \(limitRange.lowerBound)...\(limitRange.upperBound), got \(limit)")
        }
    }

    private static func page<Item>(_ fetched: [Item], limit: Int, cursor: (Item) -> String) -> Page<Item> {
        guard fetched.count > limit else { return Page(items: fetched, nextCursor: nil) }
        let items = Array(fetched.prefix(limit))
        return Page(items: items, nextCursor: items.last.map(cursor))
    }

    private static let summaryColumns = """
        run, count(*), sum(seed_count), sum(bytes), min(time), max(time),
        group_concat(DISTINCT stage), group_concat(DISTINCT config_hash)
        """

    private static func summary(_ s: SQLiteStatement) -> RunSummary {
        func list(_ column: Int32) -> [String] {
            (s.text(at: column) ?? "").split(separator: ",").map(String.init).sorted()
        }
        return RunSummary(run: s.text(at: 0) ?? "", requests: s.int(at: 1), clips: s.int(at: 2), bytes: s.int(at: 3),
                          firstTime: s.text(at: 4) ?? "", lastTime: s.text(at: 5) ?? "",
                          stages: list(6), configurationHashes: list(7))
    }

    private static let rowColumns = """
        id, time, run, client, route, stage, config_hash, seed_first, seed_count, batch_index, batch_size,
        frames, generator_version, bytes, render_ms, replica
        """

    private static func row(_ s: SQLiteStatement) -> RequestRow {
        RequestRow(id: s.int64(at: 0), time: s.text(at: 1) ?? "", run: s.text(at: 2), client: s.text(at: 3),
                   route: s.text(at: 4) ?? "", stage: s.text(at: 5) ?? "", configurationHash: s.text(at: 6) ?? "",
                   seedFirst: SeedEncoding.seed(stored: s.int64(at: 7)), seedCount: s.int(at: 8),
                   batchIndex: s.optionalInt(at: 9), batchSize: s.optionalInt(at: 10), frames: s.text(at: 11) ?? "",
                   generatorVersion: s.int(at: 12), bytes: s.int(at: 13), renderMilliseconds: s.double(at: 14),
                   replica: s.text(at: 15) ?? "")
    }

    private static func configuration(_ s: SQLiteStatement) -> ConfigurationEntry {
        ConfigurationEntry(hash: s.text(at: 0) ?? "", canonical: s.text(at: 1) ?? "", firstSeen: s.text(at: 2) ?? "")
    }
}
