import CSQLite3

/// One SQLite connection (`sqlite3*`), used by one thread at a time.
///
/// Opened with `SQLITE_OPEN_NOMUTEX`: SQLite does no locking of its own for this handle, so the
/// owner must serialize every use (the writer uses it only on its queue, the reader only under
/// its lock). Deliberately not `Sendable`. Every result code goes through `check(_:sql:)`, the
/// one place that turns SQLite failures into `ProvenanceError`.
///
/// Statements keep their connection alive (they hold a strong reference), and the handle is
/// closed with `sqlite3_close_v2` in `deinit`, so closing can never race a live statement.
final class SQLiteConnection {
    enum Mode {
        /// Read and write; creates the file when `create` is set.
        case readWrite(create: Bool)
        /// Never writes and never creates the database file.
        case readOnly
    }

    let path: String
    private let handle: OpaquePointer

    init(path: String, mode: Mode, busyTimeoutMilliseconds: Int32) throws(ProvenanceError) {
        var flags = SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE
        switch mode {
        case let .readWrite(create):
            flags |= SQLITE_OPEN_READWRITE | (create ? SQLITE_OPEN_CREATE : 0)
        case .readOnly:
            flags |= SQLITE_OPEN_READONLY
        }
        var db: OpaquePointer?
        let rc = sqlite3_open_v2(path, &db, flags, nil)
        guard rc == SQLITE_OK, let db else {
            // sqlite3_open_v2 allocates a handle even when it fails (to carry the message).
            let message = db.map { String(cString: sqlite3_errmsg($0)) } ?? String(cString: sqlite3_errstr(rc))
            sqlite3_close_v2(db)
            throw .sqlite(code: rc, message: "cannot open \(path): \(message)", sql: nil)
        }
        self.path = path
        handle = db
        sqlite3_extended_result_codes(db, 1)
        try check(sqlite3_busy_timeout(db, busyTimeoutMilliseconds), sql: "busy_timeout")
    }

    deinit {
        sqlite3_close_v2(handle)
    }

    /// The choke point: `SQLITE_OK`, `SQLITE_ROW` and `SQLITE_DONE` pass, anything else throws
    /// `.sqlite` with the connection's current message.
    @discardableResult
    func check(_ rc: Int32, sql: String?) throws(ProvenanceError) -> Int32 {
        switch rc {
        case SQLITE_OK, SQLITE_ROW, SQLITE_DONE:
            return rc
        default:
            throw .sqlite(code: rc, message: String(cString: sqlite3_errmsg(handle)), sql: sql)
        }
    }

    /// Runs one or more statements that return no rows the caller needs.
    func execute(_ sql: String) throws(ProvenanceError) {
        try check(sqlite3_exec(handle, sql, nil, nil, nil), sql: sql)
    }

    func prepare(_ sql: String) throws(ProvenanceError) -> SQLiteStatement {
        var statement: OpaquePointer?
        try check(sqlite3_prepare_v2(handle, sql, -1, &statement, nil), sql: sql)
        guard let statement else {
            throw .sqlite(code: SQLITE_MISUSE, message: "no statement in SQL text", sql: sql)
        }
        return SQLiteStatement(handle: statement, connection: self, sql: sql)
    }

    /// The first column of the first row of `sql` as an integer (0 when there is no row or it is NULL).
    func scalarInt(_ sql: String) throws(ProvenanceError) -> Int64 {
        let statement = try prepare(sql)
        return try statement.step() ? statement.int64(at: 0) : 0
    }

    /// The first column of the first row of `sql` as text (nil when there is no row or it is NULL).
    func scalarText(_ sql: String) throws(ProvenanceError) -> String? {
        let statement = try prepare(sql)
        return try statement.step() ? statement.text(at: 0) : nil
    }

    var lastInsertRowID: Int64 { sqlite3_last_insert_rowid(handle) }

    /// False while a transaction is open.
    var isAutocommit: Bool { sqlite3_get_autocommit(handle) != 0 }

    /// True when the main database was opened read-only (or SQLite fell back to read-only).
    var isReadOnly: Bool { sqlite3_db_readonly(handle, "main") == 1 }

    /// True when the path no longer names the file this connection has open (it was deleted,
    /// renamed or replaced). SQLite's unix VFS answers this by `stat`ing the path and comparing
    /// inodes (`SQLITE_FCNTL_HAS_MOVED`).
    func hasMoved() throws(ProvenanceError) -> Bool {
        var moved: Int32 = 0
        try check(sqlite3_file_control(handle, "main", SQLITE_FCNTL_HAS_MOVED, &moved), sql: "SQLITE_FCNTL_HAS_MOVED")
        return moved != 0
    }

    /// The linked SQLite's version, e.g. "3.40.1" (for startup logs).
    static var libraryVersion: String { String(cString: sqlite3_libversion()) }
}

extension ProvenanceError {
    /// SQLite's primary result code for `.sqlite` errors (the low byte of the extended code).
    var sqlitePrimaryCode: Int32? {
        if case let .sqlite(code, _, _) = self { code & 0xff } else { nil }
    }

    /// True for failures after which the connection itself may be unusable (I/O error, corrupt
    /// or foreign file, cannot open): the writer reopens the path rather than retry on it.
    var needsReopen: Bool {
        switch sqlitePrimaryCode {
        case SQLITE_IOERR, SQLITE_CORRUPT, SQLITE_NOTADB, SQLITE_CANTOPEN: true
        default: false
        }
    }

    /// True for failures that mean "the file cannot be written" rather than "this statement is
    /// wrong": read-only, I/O error, disk full, cannot open, not a database, corrupt, no permission.
    var meansUnwritable: Bool {
        switch sqlitePrimaryCode {
        case SQLITE_READONLY, SQLITE_IOERR, SQLITE_FULL, SQLITE_CANTOPEN, SQLITE_NOTADB,
             SQLITE_CORRUPT, SQLITE_PERM:
            true
        default:
            if case .unwritable = self { true } else { false }
        }
    }
}
