import Dispatch
import Foundation
@testable import Provenance
import Testing

@Suite struct GroupCommitTests {
    @Test func concurrentRecordsShareTransactions() throws {
        let dir = TemporaryDirectory()
        let store = try ProvenanceStore(path: dir.databasePath, replica: "r")
        let count = 2000
        let results = Locked<[Int: Result<Int64, ProvenanceError>]>([:])
        let group = DispatchGroup()
        for _ in 0..<count { group.enter() }
        DispatchQueue.concurrentPerform(iterations: count) { i in
            store.record(makeRecord(run: "run-\(i % 8)", configuration: i % 2 == 0 ? .a : .b, seedFirst: UInt64(i))) { result in
                results.withLock { $0[i] = result }
                group.leave()
            }
        }
        #expect(group.wait(timeout: .now() + 60) == .success)
        let all = results.withLock { $0 }
        #expect(all.count == count)
        let ids = all.values.compactMap { try? $0.get() }
        #expect(ids.count == count, "every record succeeded")
        #expect(Set(ids).count == count, "row ids are unique")
        #expect(try rawScalar(dir.databasePath, "SELECT count(*) FROM requests") == Int64(count))
        #expect(try rawScalar(dir.databasePath, "SELECT count(*) FROM configurations") == 2)
        let commits = store.commitCount
        #expect(commits >= 1)
        #expect(commits <= count / 10, "group commit: \(commits) transactions for \(count) rows")
        let snapshot = store.commitLatencySnapshot()
        #expect(snapshot.commits == commits)
        #expect(snapshot.rows == count)
        #expect(snapshot.failedCommits == 0)
        #expect(snapshot.buckets.last?.count ?? 0 <= commits)
        #expect(snapshot.maxSeconds > 0 && snapshot.sumSeconds >= snapshot.maxSeconds)
        // Each row's id points at the row that carries its seed.
        let byID = Dictionary(uniqueKeysWithValues: try store.requests(limit: 1000).items.map { ($0.id, $0.seedFirst) })
        for (i, result) in all {
            if let id = try? result.get(), let seed = byID[id] { #expect(seed == UInt64(i)) }
        }
    }

    @Test func durabilityOffWritesNothing() throws {
        let dir = TemporaryDirectory()
        let store = try ProvenanceStore(path: dir.databasePath, replica: "r", options: ProvenanceOptions(durability: .off))
        #expect(try store.recordAndWait(makeRecord()) == 0)
        #expect(store.commitCount == 0)
        #expect(try store.requests(limit: 10).items.isEmpty)
    }

    @Test func longQueuesAreSplitIntoTransactionsOfBoundedSize() throws {
        let dir = TemporaryDirectory()
        let store = try ProvenanceStore(path: dir.databasePath, replica: "r", options: ProvenanceOptions(maxRowsPerCommit: 16))
        let group = DispatchGroup()
        for i in 0..<200 {
            group.enter()
            store.record(makeRecord(seedFirst: UInt64(i))) { _ in group.leave() }
        }
        group.wait()
        store.flush()
        #expect(store.commitLatencySnapshot().rows == 200)
        #expect(store.commitCount >= 200 / 16)
    }
}

@Suite struct DurabilityTests {
    /// Every row whose completion ran is visible to an independent reader — a second connection
    /// in this process and, where the sqlite3 shell exists, another process — while the store
    /// is still open (so nothing depends on a checkpoint at close).
    @Test func completedRowsAreVisibleToOtherReaders() throws {
        let dir = TemporaryDirectory()
        let store = try ProvenanceStore(path: dir.databasePath, replica: "r")
        let completed = Locked<[Int64]>([])
        let group = DispatchGroup()
        for i in 0..<300 {
            group.enter()
            store.record(makeRecord(seedFirst: UInt64(i) * 16, seedCount: 16, batchIndex: i)) { result in
                if case let .success(id) = result { completed.withLock { $0.append(id) } }
                group.leave()
            }
        }
        group.wait()
        let ids = completed.withLock { $0 }.sorted()
        #expect(ids.count == 300)

        let other = try ProvenanceReader(path: dir.databasePath)
        var seen: [Int64] = []
        var cursor: String?
        repeat {
            let page = try other.requests(limit: 1000, cursor: cursor)
            seen += page.items.map(\.id)
            cursor = page.nextCursor
        } while cursor != nil
        #expect(seen == ids)
        #expect(try other.integrityCheck() == ["ok"])

        let shell = "/usr/bin/sqlite3"
        if executableExists(shell) {
            let count = try runProgram(shell, [dir.databasePath, "SELECT count(*) FROM requests;"])
            #expect(count.status == 0)
            #expect(count.output.trimmingCharacters(in: .whitespacesAndNewlines) == "300")
            let check = try runProgram(shell, [dir.databasePath, "PRAGMA integrity_check;"])
            #expect(check.output.trimmingCharacters(in: .whitespacesAndNewlines) == "ok")
        }
    }
}
