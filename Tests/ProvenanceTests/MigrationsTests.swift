import Foundation
@testable import Provenance
import Testing

@Suite struct MigrationsTests {
    @Test func freshDatabaseIsAtTheLatestVersionInWALMode() throws {
        let dir = TemporaryDirectory()
        _ = try ProvenanceStore(path: dir.databasePath, replica: "r1")
        #expect(try rawScalar(dir.databasePath, "PRAGMA user_version") == Int64(Migrations.latest))
        #expect(try rawText(dir.databasePath, "PRAGMA journal_mode") == "wal")
        #expect(try rawScalar(dir.databasePath, "SELECT count(*) FROM sqlite_master WHERE name = 'requests'") == 1)
    }

    @Test func reopeningIsIdempotentAndKeepsRows() throws {
        let dir = TemporaryDirectory()
        let first = try ProvenanceStore(path: dir.databasePath, replica: "r1")
        let id = try first.recordAndWait(makeRecord())
        let second = try ProvenanceStore(path: dir.databasePath, replica: "r1")
        #expect(try second.requests(limit: 10).items.map(\.id) == [id])
        #expect(try rawScalar(dir.databasePath, "PRAGMA user_version") == Int64(Migrations.latest))
        _ = try ProvenanceStore(path: dir.databasePath, replica: "r1")
        #expect(try rawScalar(dir.databasePath, "SELECT count(*) FROM requests") == 1)
    }

    @Test func newerSchemaIsRejected() throws {
        let dir = TemporaryDirectory()
        _ = try ProvenanceStore(path: dir.databasePath, replica: "r1")
        _ = try rawScalar(dir.databasePath, "PRAGMA user_version = \(Migrations.latest + 1)")
        #expect(throws: ProvenanceError.schemaTooNew(found: Migrations.latest + 1, latest: Migrations.latest)) {
            _ = try ProvenanceStore(path: dir.databasePath, replica: "r1")
        }
        #expect(throws: ProvenanceError.schemaTooNew(found: Migrations.latest + 1, latest: Migrations.latest)) {
            _ = try ProvenanceReader(path: dir.databasePath)
        }
    }

    @Test func readerRefusesMissingAndForeignFiles() throws {
        let dir = TemporaryDirectory()
        #expect(throws: ProvenanceError.notFound("no provenance database at \(dir.databasePath)")) {
            _ = try ProvenanceReader(path: dir.databasePath)
        }
        #expect(!FileManager.default.fileExists(atPath: dir.databasePath), "a read-only open must not create the file")
        // An SQLite file without our schema (user_version 0).
        _ = try SQLiteConnection(path: dir.databasePath, mode: .readWrite(create: true), busyTimeoutMilliseconds: 100)
            .scalarInt("CREATE TABLE other(x)")
        #expect(throws: ProvenanceError.schemaTooOld(found: 0, latest: Migrations.latest)) {
            _ = try ProvenanceReader(path: dir.databasePath)
        }
    }
}
