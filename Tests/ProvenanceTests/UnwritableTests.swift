import Foundation
@testable import Provenance
import Testing

/// The store must notice when its file cannot take writes and recover without a restart.
///
/// Tests run as root, where `chmod` does not stop writes, so the mechanisms are ones that hold
/// for root too: deleting the file (the path no longer names the open inode), `chmod a-w` (the
/// store treats a file with no write bit as read-only by policy, for every user), `chattr +i`
/// (immutable: the kernel refuses root too; skipped where chattr is unavailable) and a tiny tmpfs
/// filled up (disk full; skipped where mounting is not allowed).
@Suite struct UnwritableTests {
    /// A long retry interval: `record` must fail fast, only `checkWritable` recovers.
    static let options = ProvenanceOptions(retryIntervalSeconds: 3600)

    @Test func deletedFileIsDetectedThenRecreated() throws {
        let dir = TemporaryDirectory()
        let path = dir.databasePath
        let store = try ProvenanceStore(path: path, replica: "r", options: Self.options)
        try store.recordAndWait(makeRecord(seedFirst: 1))
        #expect(store.checkWritable().failure == nil)

        try FileManager.default.removeItem(atPath: path)
        let probe = store.checkWritable()
        #expect(probe.failure?.isUnwritable == true, "\(probe)")
        #expect(!store.isWritable)
        // Fails fast: no disk I/O, no waiting for the writer.
        let start = Date()
        #expect(throws: ProvenanceError.self) { try store.recordAndWait(makeRecord(seedFirst: 2)) }
        #expect(Date().timeIntervalSince(start) < 1)
        #expect(store.commitLatencySnapshot().commits == 1)

        // Recovery: the probe reopens the path, creating and migrating a fresh database.
        #expect(store.checkWritable().failure == nil)
        #expect(store.isWritable)
        // (Not compared by inode: once the old file's last descriptor closes, the file system
        // may give the new file the same inode number.)
        #expect(FileManager.default.fileExists(atPath: path))
        let id = try store.recordAndWait(makeRecord(seedFirst: 3))
        #expect(try store.requests(limit: 10).items.map(\.seedFirst) == [3])
        #expect(try store.seed(3).map(\.request.id) == [id])
        #expect(try rawScalar(path, "PRAGMA user_version") == Int64(Migrations.latest))
        #expect(try rawText(path, "PRAGMA integrity_check") == "ok")
    }

    @Test func deletionIsCaughtByTheWriteItself() throws {
        let dir = TemporaryDirectory()
        let path = dir.databasePath
        let store = try ProvenanceStore(path: path, replica: "r", options: Self.options)
        try store.recordAndWait(makeRecord(seedFirst: 1))
        try FileManager.default.removeItem(atPath: path)
        // No probe in between: the writer checks the path before (and after) each commit, so
        // a row is never acknowledged from a file that nobody can read.
        do {
            try store.recordAndWait(makeRecord(seedFirst: 2))
            Issue.record("a write to a removed file succeeded")
        } catch {
            #expect(error.isUnwritable)
        }
        #expect(!store.isWritable)
        #expect(store.checkWritable().failure == nil)
        try store.recordAndWait(makeRecord(seedFirst: 4))
        #expect(try store.requests(limit: 10).items.map(\.seedFirst) == [4])
    }

    @Test func readOnlyFileByModeBits() throws {
        let dir = TemporaryDirectory()
        let path = dir.databasePath
        let store = try ProvenanceStore(path: path, replica: "r", options: Self.options)
        try store.recordAndWait(makeRecord(seedFirst: 1))
        try FileManager.default.setAttributes([.posixPermissions: 0o444], ofItemAtPath: path)
        try FileManager.default.setAttributes([.posixPermissions: 0o555], ofItemAtPath: dir.path)
        defer { try? FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: dir.path) }

        #expect(store.checkWritable().failure?.isUnwritable == true)
        #expect(throws: ProvenanceError.self) { try store.recordAndWait(makeRecord(seedFirst: 2)) }
        #expect(!store.isWritable)
        // Reads keep working, through the store and through another reader.
        #expect(try store.requests(limit: 10).items.count == 1)
        #expect(try ProvenanceReader(path: path).requests(limit: 10).items.count == 1)

        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: dir.path)
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: path)
        #expect(store.checkWritable().failure == nil)
        try store.recordAndWait(makeRecord(seedFirst: 3))
        #expect(try store.requests(limit: 10).items.map(\.seedFirst) == [1, 3], "the same file, rows kept")
    }

    static let canChattr: Bool = {
        let dir = TemporaryDirectory()
        let probe = dir.path + "/probe"
        _ = FileManager.default.createFile(atPath: probe, contents: Data())
        guard executableExists("/usr/bin/chattr"),
              (try? runProgram("/usr/bin/chattr", ["+i", probe]).status) == 0 else { return false }
        _ = try? runProgram("/usr/bin/chattr", ["-i", probe])
        return true
    }()

    @Test(.enabled(if: canChattr, "needs chattr +i (CAP_LINUX_IMMUTABLE, ext4/xfs)"))
    func immutableFile() throws {
        let dir = TemporaryDirectory()
        let path = dir.databasePath
        let store = try ProvenanceStore(path: path, replica: "r", options: Self.options)
        try store.recordAndWait(makeRecord(seedFirst: 1))
        #expect(try runProgram("/usr/bin/chattr", ["+i", path]).status == 0)
        defer { _ = try? runProgram("/usr/bin/chattr", ["-i", path]) }

        #expect(store.checkWritable().failure?.isUnwritable == true)
        #expect(throws: ProvenanceError.self) { try store.recordAndWait(makeRecord(seedFirst: 2)) }
        #expect(try store.seed(1).count == 1)

        #expect(try runProgram("/usr/bin/chattr", ["-i", path]).status == 0)
        #expect(store.checkWritable().failure == nil)
        try store.recordAndWait(makeRecord(seedFirst: 3))
        #expect(try store.requests(limit: 10).items.map(\.seedFirst) == [1, 3])
        #expect(try rawText(path, "PRAGMA integrity_check") == "ok")
    }

    static let canMountTmpfs: Bool = {
        guard getuid() == 0, executableExists("/usr/bin/mount") || executableExists("/bin/mount") else { return false }
        let dir = TemporaryDirectory()
        guard (try? runProgram("/bin/mount", ["-t", "tmpfs", "-o", "size=64k", "tmpfs", dir.path]).status) == 0 else { return false }
        _ = try? runProgram("/bin/umount", [dir.path])
        return true
    }()

    @Test(.enabled(if: canMountTmpfs, "needs root and permission to mount a tmpfs"))
    func fullDisk() throws {
        let dir = TemporaryDirectory()
        #expect(try runProgram("/bin/mount", ["-t", "tmpfs", "-o", "size=1m", "tmpfs", dir.path]).status == 0)
        defer { _ = try? runProgram("/bin/umount", ["-l", dir.path]) }
        let path = dir.databasePath
        let store = try ProvenanceStore(path: path, replica: "r", options: Self.options)
        try store.recordAndWait(makeRecord(seedFirst: 1))

        // Fill the file system.
        let filler = dir.path + "/filler"
        _ = FileManager.default.createFile(atPath: filler, contents: nil)
        let handle = try #require(FileHandle(forWritingAtPath: filler))
        let chunk = Data(count: 4096)
        while (try? handle.write(contentsOf: chunk)) != nil {}
        try? handle.close()

        // Rows big enough to need new WAL pages.
        var big = makeRecord(seedFirst: 2)
        big.frames = String(repeating: "9", count: 200_000)
        #expect(throws: ProvenanceError.self) { try store.recordAndWait(big) }
        #expect(store.checkWritable().failure?.isUnwritable == true)

        try FileManager.default.removeItem(atPath: filler)
        #expect(store.checkWritable().failure == nil)
        try store.recordAndWait(big)
        #expect(try store.requests(limit: 10).items.map(\.seedFirst) == [1, 2])
        #expect(try rawText(path, "PRAGMA integrity_check") == "ok")
    }
}
