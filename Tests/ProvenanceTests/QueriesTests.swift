import Foundation
@testable import Provenance
import Testing

@Suite struct QueriesTests {
    @Test func runSummaryAndDetail() throws {
        let dir = TemporaryDirectory()
        let store = try ProvenanceStore(path: dir.databasePath, replica: "replica-a")
        // Run 1: three batches of 4 of configuration a, one of b. Run 2: one single clip.
        var ids: [Int64] = []
        for k in 0..<3 {
            ids.append(try store.recordAndWait(makeRecord(run: "run-1", seedFirst: UInt64(100 + 4 * k), seedCount: 4,
                                                          batchIndex: k, time: "2025-01-0\(k + 1)T00:00:00.000Z")))
        }
        ids.append(try store.recordAndWait(makeRecord(run: "run-1", stage: "moving-shapes", configuration: .b,
                                                      seedFirst: 7, seedCount: 4, batchIndex: 0,
                                                      time: "2025-01-05T00:00:00.000Z", bytes: 500)))
        try store.recordAndWait(makeRecord(run: "run-2", seedFirst: 42, time: "2025-02-01T00:00:00.000Z"))
        try store.recordAndWait(makeRecord(run: nil, seedFirst: 43))

        let runs = try store.runs(limit: 10)
        #expect(runs.items.map(\.run) == ["run-1", "run-2"])
        #expect(runs.nextCursor == nil)
        let summary = runs.items[0]
        #expect(summary.requests == 4)
        #expect(summary.clips == 16)
        #expect(summary.bytes == 3500)
        #expect(summary.firstTime == "2025-01-01T00:00:00.000Z")
        #expect(summary.lastTime == "2025-01-05T00:00:00.000Z")
        #expect(summary.stages == ["moving-shapes", "static-circles"])
        #expect(summary.configurationHashes == [TestConfiguration.a.hash, TestConfiguration.b.hash])

        let detail = try #require(try store.run("run-1"))
        #expect(detail.summary == summary)
        #expect(detail.batches.map(\.id) == ids)
        #expect(detail.batches.map(\.batchIndex) == [0, 1, 2, 0])
        #expect(detail.batches[1].seedFirst == 104 && detail.batches[1].seedLast == 107)
        #expect(detail.batches[1].replica == "replica-a")
        #expect(!detail.batchesTruncated)
        #expect(detail.configurations.map(\.canonical) == [TestConfiguration.a.canonical, TestConfiguration.b.canonical])
        #expect(detail.configurations[0].firstSeen == "2025-01-01T00:00:00.000Z")

        let truncated = try #require(try store.run("run-1", batchLimit: 2))
        #expect(truncated.batches.map(\.id) == Array(ids.prefix(2)))
        #expect(truncated.batchesTruncated)
        #expect(try store.run("no-such-run") == nil)
    }

    @Test func runsPaginate() throws {
        let dir = TemporaryDirectory()
        let store = try ProvenanceStore(path: dir.databasePath, replica: "r")
        let names = (0..<7).map { "run-\($0)" } + ["run with spaces, commas/ünïcode"]
        for name in names { try store.recordAndWait(makeRecord(run: name)) }
        var seen: [String] = []
        var cursor: String?
        repeat {
            let page = try store.runs(limit: 3, cursor: cursor)
            seen += page.items.map(\.run)
            cursor = page.nextCursor
        } while cursor != nil
        #expect(seen == names.sorted())
        #expect(throws: ProvenanceError.self) { try store.runs(limit: 3, cursor: "q.31") }
    }

    @Test func configurationsAreStoredOnce() throws {
        let dir = TemporaryDirectory()
        let store = try ProvenanceStore(path: dir.databasePath, replica: "r")
        for seed in 0..<50 as Range<UInt64> {
            try store.recordAndWait(makeRecord(configuration: seed % 2 == 0 ? .a : .b, seedFirst: seed))
        }
        #expect(try rawScalar(dir.databasePath, "SELECT count(*) FROM configurations") == 2)
        #expect(try store.configuration(hash: TestConfiguration.b.hash)?.canonical == TestConfiguration.b.canonical)
        #expect(try store.configuration(hash: "unknown") == nil)
    }

    @Test func seedLookupsAcrossTheWholeUInt64Range() throws {
        let dir = TemporaryDirectory()
        let store = try ProvenanceStore(path: dir.databasePath, replica: "r")
        let half: UInt64 = 1 << 63
        let zero = try store.recordAndWait(makeRecord(seedFirst: 0, seedCount: 8, batchIndex: 0))
        let belowHalf = try store.recordAndWait(makeRecord(seedFirst: half - 4, seedCount: 4, batchIndex: 1))
        let crossing = try store.recordAndWait(makeRecord(seedFirst: half - 2, seedCount: 4, batchIndex: 2))
        let atHalf = try store.recordAndWait(makeRecord(stage: "moving-shapes", seedFirst: half, seedCount: 1))
        let top = try store.recordAndWait(makeRecord(seedFirst: .max - 3, seedCount: 4, batchIndex: 3))
        let max = try store.recordAndWait(makeRecord(seedFirst: .max, seedCount: 1))
        // A long range far away, so the lookup's bound (longest range) is wide.
        let long = try store.recordAndWait(makeRecord(seedFirst: 1000, seedCount: 512, batchIndex: 4))

        func hits(_ seed: UInt64, stage: String? = nil) throws -> [Int64] {
            try store.seed(seed, stage: stage).map(\.request.id)
        }
        #expect(try hits(0) == [zero])
        #expect(try hits(7) == [zero])
        #expect(try hits(8) == [])
        #expect(try hits(half - 4) == [belowHalf])
        #expect(try hits(half - 2) == [belowHalf, crossing])
        #expect(try hits(half - 1) == [belowHalf, crossing])
        #expect(try hits(half) == [crossing, atHalf])
        #expect(try hits(half, stage: "moving-shapes") == [atHalf])
        #expect(try hits(half + 1) == [crossing])
        #expect(try hits(half + 2) == [])
        #expect(try hits(.max - 4) == [])
        #expect(try hits(.max - 1) == [top])
        #expect(try hits(.max) == [top, max])
        #expect(try hits(1511) == [long])
        #expect(try hits(1512) == [])

        let hit = try #require(try store.seed(.max).last)
        #expect(hit.request.seedFirst == .max)
        #expect(hit.position == 0)
        #expect(try store.seed(.max).first?.position == 3)
        #expect(try store.seed(half).first?.position == 2)
        #expect(try store.seed(half).first?.request.batchIndex == 2)
    }

    @Test func requestPagesReturnEveryRowOnceInOrder() throws {
        let dir = TemporaryDirectory()
        let store = try ProvenanceStore(path: dir.databasePath, replica: "r")
        var expected: [Int64] = []
        for i in 0..<103 {
            expected.append(try store.recordAndWait(makeRecord(run: i % 3 == 0 ? "three" : "other", seedFirst: UInt64(i),
                                                                time: Timestamp.format(unixMilliseconds: 1_700_000_000_000 + Int64(i) * 1000))))
        }
        func walk(_ filter: RequestFilter, limit: Int) throws -> [Int64] {
            var ids: [Int64] = []
            var cursor: String?
            repeat {
                let page = try store.requests(filter: filter, limit: limit, cursor: cursor)
                #expect(page.items.count <= limit)
                ids += page.items.map(\.id)
                cursor = page.nextCursor
            } while cursor != nil
            return ids
        }
        #expect(try walk(RequestFilter(), limit: 10) == expected)
        #expect(try walk(RequestFilter(), limit: 103) == expected)
        #expect(try walk(RequestFilter(), limit: 1000) == expected)
        #expect(try walk(RequestFilter(run: "three"), limit: 7) == expected.enumerated().filter { $0.offset % 3 == 0 }.map(\.element))
        let since = Timestamp.format(unixMilliseconds: 1_700_000_000_000 + 10_000)
        let until = Timestamp.format(unixMilliseconds: 1_700_000_000_000 + 20_000)
        #expect(try walk(RequestFilter(since: since, until: until), limit: 4) == Array(expected[10..<20]))
        #expect(try walk(RequestFilter(stage: "nope"), limit: 4) == [])

        #expect(throws: ProvenanceError.self) { try store.requests(limit: 10, cursor: "garbage") }
        #expect(throws: ProvenanceError.self) { try store.requests(limit: 10, cursor: "q.zz") }
        #expect(throws: ProvenanceError.self) { try store.requests(limit: 10, cursor: "r.31") }
        #expect(throws: ProvenanceError.invalidArgument(name: "limit", reason: "must be in 1...1000, got 0")) {
            try store.requests(limit: 0)
        }
        #expect(throws: ProvenanceError.self) { try store.requests(limit: 1001) }
        #expect(throws: ProvenanceError.self) { try store.requests(filter: RequestFilter(since: "last week"), limit: 1) }
        do {
            _ = try store.requests(limit: 10, cursor: "garbage")
        } catch {
            guard case .invalidCursor = error else { Issue.record("expected .invalidCursor, got \(error)"); return }
        }
    }

    @Test func invalidRecordsFailWithoutHarmingOthers() throws {
        let dir = TemporaryDirectory()
        let store = try ProvenanceStore(path: dir.databasePath, replica: "r")
        #expect(throws: ProvenanceError.self) { try store.recordAndWait(makeRecord(seedFirst: .max, seedCount: 2)) }
        #expect(throws: ProvenanceError.self) { try store.recordAndWait(makeRecord(seedCount: 0)) }
        #expect(throws: ProvenanceError.self) { try store.recordAndWait(makeRecord(time: "now")) }
        #expect(try store.recordAndWait(makeRecord(seedFirst: .max, seedCount: 1)) > 0)
        #expect(try store.requests(limit: 10).items.count == 1)
    }

    @Test func resultsEncodeAsJSON() throws {
        let dir = TemporaryDirectory()
        let store = try ProvenanceStore(path: dir.databasePath, replica: "r")
        try store.recordAndWait(makeRecord(seedFirst: .max))
        let data = try JSONEncoder().encode(try store.seed(.max))
        #expect(String(decoding: data, as: UTF8.self).contains("18446744073709551615"))
    }
}
