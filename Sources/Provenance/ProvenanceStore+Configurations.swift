extension ProvenanceStore {
    /// Stores a configuration registered by a client (POST /v1/configs) once, by hash, so it
    /// outlives the process even before any clip of it is served. Registration is rare, so it
    /// uses a short-lived connection of its own (SQLite's busy timeout orders it with the group
    /// writer) instead of a slot in the writer's queue. Fails with `.unwritable` while the
    /// store is unwritable.
    public func registerConfiguration(hash: String, canonical: String) throws(ProvenanceError) {
        // The writer's full probe (file moved, read-only, full disk), not just the last state.
        if case .failure(let error) = checkWritable() { throw error }
        let db = try SQLiteConnection(path: path, mode: .readWrite(create: false),
                                      busyTimeoutMilliseconds: options.busyTimeoutMilliseconds)
        try db.execute("PRAGMA synchronous=FULL")
        let insert = try db.prepare("""
            INSERT INTO configurations(hash, canonical, first_seen) VALUES (?1, ?2, ?3)
            ON CONFLICT(hash) DO NOTHING
            """)
        try insert.bind(hash, at: 1)
        try insert.bind(canonical, at: 2)
        try insert.bind(Timestamp.now(), at: 3)
        try insert.run()
    }
}
