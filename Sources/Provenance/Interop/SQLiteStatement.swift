import CSQLite3

/// One prepared statement (`sqlite3_stmt*`), finalized in `deinit` on every path.
///
/// Holds its connection strongly, so the connection outlives it. Text and blobs are bound with
/// `SQLITE_TRANSIENT` (SQLite copies them before the call returns), so no Swift buffer has to
/// outlive a bind call. Parameter and column indexes are SQLite's: parameters from 1, columns from 0.
final class SQLiteStatement {
    private let handle: OpaquePointer
    private let connection: SQLiteConnection
    let sql: String

    /// `SQLITE_TRANSIENT` is the macro `((sqlite3_destructor_type)-1)`, which Swift cannot import.
    private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

    init(handle: OpaquePointer, connection: SQLiteConnection, sql: String) {
        self.handle = handle
        self.connection = connection
        self.sql = sql
    }

    deinit {
        sqlite3_finalize(handle)
    }

    // MARK: Binding

    func bind(_ value: Int64, at index: Int32) throws(ProvenanceError) {
        try connection.check(sqlite3_bind_int64(handle, index, value), sql: sql)
    }

    func bind(_ value: Int, at index: Int32) throws(ProvenanceError) {
        try bind(Int64(value), at: index)
    }

    func bind(_ value: Double, at index: Int32) throws(ProvenanceError) {
        try connection.check(sqlite3_bind_double(handle, index, value), sql: sql)
    }

    func bind(_ value: String, at index: Int32) throws(ProvenanceError) {
        try connection.check(sqlite3_bind_text(handle, index, value, -1, Self.transient), sql: sql)
    }

    func bind(_ value: [UInt8], at index: Int32) throws(ProvenanceError) {
        let rc = value.withUnsafeBytes { bytes in
            bytes.isEmpty
                ? sqlite3_bind_zeroblob(handle, index, 0)
                : sqlite3_bind_blob(handle, index, bytes.baseAddress, Int32(bytes.count), Self.transient)
        }
        try connection.check(rc, sql: sql)
    }

    func bindNull(at index: Int32) throws(ProvenanceError) {
        try connection.check(sqlite3_bind_null(handle, index), sql: sql)
    }

    func bind(_ value: String?, at index: Int32) throws(ProvenanceError) {
        if let value { try bind(value, at: index) } else { try bindNull(at: index) }
    }

    func bind(_ value: Int?, at index: Int32) throws(ProvenanceError) {
        if let value { try bind(value, at: index) } else { try bindNull(at: index) }
    }

    // MARK: Stepping

    /// Advances one step: true when a row is ready, false when the statement is done.
    func step() throws(ProvenanceError) -> Bool {
        try connection.check(sqlite3_step(handle), sql: sql) == SQLITE_ROW
    }

    /// Steps a statement that returns no rows.
    func run() throws(ProvenanceError) {
        while try step() {}
    }

    /// Makes the statement ready to run again and clears its bindings. Also ends the statement's
    /// read of the database, which a cached statement must do so it never pins the WAL.
    func reset() {
        sqlite3_reset(handle)
        sqlite3_clear_bindings(handle)
    }

    // MARK: Columns of the current row

    func isNull(at column: Int32) -> Bool {
        sqlite3_column_type(handle, column) == SQLITE_NULL
    }

    func int64(at column: Int32) -> Int64 {
        sqlite3_column_int64(handle, column)
    }

    func int(at column: Int32) -> Int {
        Int(sqlite3_column_int64(handle, column))
    }

    func optionalInt(at column: Int32) -> Int? {
        isNull(at: column) ? nil : int(at: column)
    }

    func double(at column: Int32) -> Double {
        sqlite3_column_double(handle, column)
    }

    /// The column as UTF-8 text, nil for NULL.
    func text(at column: Int32) -> String? {
        guard let bytes = sqlite3_column_text(handle, column) else { return nil }
        return String(cString: bytes)
    }

    func blob(at column: Int32) -> [UInt8] {
        let count = Int(sqlite3_column_bytes(handle, column))
        guard count > 0, let bytes = sqlite3_column_blob(handle, column) else { return [] }
        return Array(UnsafeRawBufferPointer(start: bytes, count: count))
    }
}
