/// The schema, as an ordered list of numbered migrations.
///
/// Each migration runs in its own `BEGIN IMMEDIATE` transaction together with
/// `PRAGMA user_version = <version>`, so a database is always at exactly one version. Never edit
/// a migration that has shipped: append a new one. A database whose `user_version` is above
/// `latest` was written by newer code and is refused (`.schemaTooNew`).
enum Migrations {
    struct Migration {
        let version: Int
        let sql: String
    }

    static let all: [Migration] = [
        Migration(version: 1, sql: """
            -- Every configuration that produced a clip, once, by its SHA-256 hash.
            CREATE TABLE configurations (
                hash       TEXT PRIMARY KEY,
                canonical  TEXT NOT NULL,      -- canonical JSON (sorted keys, fixed number format)
                first_seen TEXT NOT NULL       -- time of the first request that used it
            );
            -- One row per clip-carrying response.
            CREATE TABLE requests (
                id                INTEGER PRIMARY KEY,
                time              TEXT NOT NULL,     -- RFC 3339 UTC with milliseconds
                run               TEXT,              -- X-Run-Id / ?run=, NULL when not given
                client            TEXT,              -- client address
                route             TEXT NOT NULL,
                stage             TEXT NOT NULL,
                config_hash       TEXT NOT NULL REFERENCES configurations(hash),
                seed_first        INTEGER NOT NULL,  -- UInt64 seed as its Int64 bit pattern
                seed_count        INTEGER NOT NULL CHECK (seed_count >= 1),
                seed_lo           INTEGER NOT NULL,  -- order key of the first seed (seed XOR 2^63)
                seed_hi           INTEGER NOT NULL,  -- order key of the last seed
                batch_index       INTEGER,           -- NULL for single clips
                batch_size        INTEGER,
                frames            TEXT NOT NULL,     -- JSON array of indices, or a sampling description
                generator_version INTEGER NOT NULL,
                bytes             INTEGER NOT NULL,
                render_ms         REAL NOT NULL,
                replica           TEXT NOT NULL,
                CHECK (seed_hi >= seed_lo)
            );
            CREATE INDEX requests_run ON requests(run);
            CREATE INDEX requests_time ON requests(time);
            CREATE INDEX requests_config ON requests(config_hash);
            CREATE INDEX requests_seed ON requests(seed_lo, seed_hi, stage);
            -- Makes max(seed_count) a single index probe: it bounds how far below a seed a
            -- range holding it can start.
            CREATE INDEX requests_seed_count ON requests(seed_count);
            -- One row the readiness probe rewrites to prove the file takes durable writes.
            CREATE TABLE health (
                id      INTEGER PRIMARY KEY CHECK (id = 1),
                replica TEXT NOT NULL,
                time    TEXT NOT NULL
            );
            """),
    ]

    static var latest: Int { all.last?.version ?? 0 }

    /// Brings the database up to `latest`. Safe against another process migrating the same file
    /// at the same time: the version is re-read inside each write transaction.
    static func apply(to db: SQLiteConnection) throws(ProvenanceError) {
        let found = Int(try db.scalarInt("PRAGMA user_version"))
        if found > latest { throw .schemaTooNew(found: found, latest: latest) }
        for migration in all where migration.version > found {
            try db.execute("BEGIN IMMEDIATE")
            do throws(ProvenanceError) {
                let current = Int(try db.scalarInt("PRAGMA user_version"))
                if current > latest { throw .schemaTooNew(found: current, latest: latest) }
                if current < migration.version {
                    try db.execute(migration.sql)
                    try db.execute("PRAGMA user_version = \(migration.version)")
                }
                try db.execute("COMMIT")
            } catch {
                if !db.isAutocommit { try? db.execute("ROLLBACK") }
                throw error
            }
        }
    }

    /// Checks that a database opened read-only is exactly at `latest`.
    static func requireLatest(_ db: SQLiteConnection) throws(ProvenanceError) {
        let found = Int(try db.scalarInt("PRAGMA user_version"))
        if found > latest { throw .schemaTooNew(found: found, latest: latest) }
        if found < latest { throw .schemaTooOld(found: found, latest: latest) }
    }
}
