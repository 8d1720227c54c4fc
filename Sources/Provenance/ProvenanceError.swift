/// Every failure of the provenance store, as one typed enum.
///
/// Cases carry the data a person needs: the `description` ends up verbatim in CLI output and
/// in HTTP problem details. The service maps cases to statuses in one place (`.unwritable` is a
/// 503, `.invalidCursor`/`.invalidArgument` are 400s, `.notFound` is a 404); nothing here knows
/// about HTTP. SQLite result codes become errors only in `SQLiteConnection.check(_:sql:)`.
public enum ProvenanceError: Error, Equatable, CustomStringConvertible, Sendable {
    /// SQLite failed. `code` is the extended result code, `message` SQLite's own text, `sql`
    /// the statement that failed where there was one.
    case sqlite(code: Int32, message: String, sql: String?)
    /// The store cannot be written (file removed or replaced, read-only, disk full, I/O error).
    /// Writes fail fast with this until the condition is fixed; the string says which condition.
    case unwritable(String)
    /// There is no database at the given path (read-only opens never create one).
    case notFound(String)
    /// A pagination cursor that this store did not produce.
    case invalidCursor(String)
    /// An argument is outside its documented range (a limit, a seed range, a timestamp).
    case invalidArgument(name: String, reason: String)
    /// The database was written by a newer SynthClips: its schema version is above the
    /// latest migration this code knows.
    case schemaTooNew(found: Int, latest: Int)
    /// A read-only open found a database whose schema is older than this code (or no schema
    /// at all): it must be opened read-write once (`synthclips serve`) to migrate it.
    case schemaTooOld(found: Int, latest: Int)

    public var description: String {
        switch self {
        case let .sqlite(code, message, sql):
            "SQLite error \(code): \(message)" + (sql.map { " (in: \($0))" } ?? "")
        case let .unwritable(reason):
            "the provenance store is not writable: \(reason)"
        case let .notFound(what):
            "not found: \(what)"
        case let .invalidCursor(reason):
            "invalid cursor: \(reason)"
        case let .invalidArgument(name, reason):
            "invalid \(name): \(reason)"
        case let .schemaTooNew(found, latest):
            "the database has schema version \(found) but this program knows versions up to "
                + "\(latest); use a newer synthclips"
        case let .schemaTooOld(found, latest):
            found == 0
                ? "the file is not a provenance database (schema version 0)"
                : "the database has schema version \(found), older than this program's \(latest); "
                    + "open it read-write once (synthclips serve) to migrate it"
        }
    }
}
