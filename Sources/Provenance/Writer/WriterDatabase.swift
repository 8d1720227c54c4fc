/// The writer's connection and its cached statements. Lives on the writer queue only.
///
/// Opening it opens (or creates) the file, switches it to WAL, sets `synchronous=FULL` so a
/// committed transaction has been fsynced, turns on foreign keys and applies migrations.
/// Dropping it finalizes the statements and closes the connection.
final class WriterDatabase {
    let connection: SQLiteConnection
    private let begin: SQLiteStatement
    private let commit: SQLiteStatement
    private let insertConfiguration: SQLiteStatement
    private let insertRequest: SQLiteStatement
    private let touchHealth: SQLiteStatement

    init(path: String, busyTimeoutMilliseconds: Int32) throws(ProvenanceError) {
        FileStatus.removeOrphanedSidecars(of: path)
        let db = try SQLiteConnection(path: path, mode: .readWrite(create: true),
                                      busyTimeoutMilliseconds: busyTimeoutMilliseconds)
        let mode = try db.scalarText("PRAGMA journal_mode=WAL")
        guard mode?.lowercased() == "wal" else {
            throw .unwritable("\(path): SQLite could not switch the journal to WAL (got \(mode ?? "nothing"))")
        }
        try db.execute("PRAGMA synchronous=FULL")
        try db.execute("PRAGMA foreign_keys=ON")
        try Migrations.apply(to: db)
        connection = db
        begin = try db.prepare("BEGIN IMMEDIATE")
        commit = try db.prepare("COMMIT")
        insertConfiguration = try db.prepare("""
            INSERT INTO configurations(hash, canonical, first_seen) VALUES (?1, ?2, ?3)
            ON CONFLICT(hash) DO NOTHING
            """)
        insertRequest = try db.prepare("""
            INSERT INTO requests(time, run, client, route, stage, config_hash, seed_first, seed_count,
                                 seed_lo, seed_hi, batch_index, batch_size, frames, generator_version,
                                 bytes, render_ms, replica)
            VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17)
            """)
        touchHealth = try db.prepare("INSERT OR REPLACE INTO health(id, replica, time) VALUES (1, ?1, ?2)")
    }

    /// Throws `.unwritable` when the file must not be written: the path no longer names the
    /// open file (deleted, renamed, replaced), the file is read-only, or SQLite opened it read-only.
    func verifyFile() throws(ProvenanceError) {
        if try connection.hasMoved() {
            throw .unwritable("\(connection.path) was removed or replaced while open")
        }
        if let reason = FileStatus.writeBlocker(connection.path) { throw .unwritable(reason) }
        if connection.isReadOnly { throw .unwritable("\(connection.path) is open read-only") }
    }

    /// Writes `records` in one transaction and commits it; answers their row ids in order.
    /// On failure nothing of the transaction remains.
    func insert(_ records: [ProvenanceRecord], replica: String) throws(ProvenanceError) -> [Int64] {
        try transaction { () throws(ProvenanceError) in
            var configurationsWritten = Set<String>()
            var ids: [Int64] = []
            ids.reserveCapacity(records.count)
            for record in records {
                if configurationsWritten.insert(record.configurationHash).inserted {
                    defer { insertConfiguration.reset() }
                    try insertConfiguration.bind(record.configurationHash, at: 1)
                    try insertConfiguration.bind(record.configurationCanonicalJSON, at: 2)
                    try insertConfiguration.bind(record.time, at: 3)
                    try insertConfiguration.run()
                }
                defer { insertRequest.reset() }
                let s = insertRequest
                try s.bind(record.time, at: 1)
                try s.bind(record.run, at: 2)
                try s.bind(record.client, at: 3)
                try s.bind(record.route, at: 4)
                try s.bind(record.stage, at: 5)
                try s.bind(record.configurationHash, at: 6)
                try s.bind(SeedEncoding.stored(record.seedFirst), at: 7)
                try s.bind(record.seedCount, at: 8)
                try s.bind(SeedEncoding.orderKey(record.seedFirst), at: 9)
                try s.bind(SeedEncoding.orderKey(record.seedLast), at: 10)
                try s.bind(record.batchIndex, at: 11)
                try s.bind(record.batchSize, at: 12)
                try s.bind(record.frames, at: 13)
                try s.bind(record.generatorVersion, at: 14)
                try s.bind(record.bytes, at: 15)
                try s.bind(record.renderMilliseconds, at: 16)
                try s.bind(replica, at: 17)
                try s.run()
                ids.append(connection.lastInsertRowID)
            }
            return ids
        }
    }

    /// The readiness probe's write: one small committed (fsynced) transaction.
    func probe(replica: String) throws(ProvenanceError) {
        try transaction { () throws(ProvenanceError) in
            defer { touchHealth.reset() }
            try touchHealth.bind(replica, at: 1)
            try touchHealth.bind(Timestamp.now(), at: 2)
            try touchHealth.run()
        }
    }

    private func transaction<R>(_ body: () throws(ProvenanceError) -> R) throws(ProvenanceError) -> R {
        do {
            defer { begin.reset() }
            try begin.run()
        }
        do {
            let result = try body()
            defer { commit.reset() }
            try commit.run()
            return result
        } catch {
            // A failed COMMIT may already have rolled back (disk full, I/O error); only roll
            // back a transaction that is still open.
            if !connection.isAutocommit { try? connection.execute("ROLLBACK") }
            throw error
        }
    }
}
