import ArgumentParser
import Foundation
import Provenance

/// `synthclips provenance runs|run R|seed S`: the provenance store from the command line.
/// Opens the database read-only (it never creates or migrates one), so it is safe beside a
/// running server.
struct ProvenanceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "provenance",
        abstract: "Query the provenance store: what a run consumed, which request served a seed.",
        subcommands: [Runs.self, Run.self, Seed.self])
}

extension ProvenanceCommand {
    struct DatabaseOptions: ParsableArguments {
        @Option(help: "The provenance database (opened read-only).")
        var db = "synthclips.sqlite"

        @Flag(help: "Print JSON instead of a text table.")
        var json = false

        func open() throws -> ProvenanceReader {
            try ProvenanceReader(path: db)
        }
    }

    struct Runs: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List runs with their totals.")

        @OptionGroup var options: DatabaseOptions

        @Option(help: "Runs per page (\(ProvenanceReader.limitRange.lowerBound)...\(ProvenanceReader.limitRange.upperBound)).")
        var limit = 100

        @Option(help: "Continue after a page (the cursor a previous page printed).")
        var cursor: String?

        func validate() throws {
            guard ProvenanceReader.limitRange.contains(limit) else {
                throw ValidationError("--limit must be in \(ProvenanceReader.limitRange)")
            }
        }

        func run() throws {
            let page = try options.open().runs(limit: limit, cursor: cursor)
            if options.json { return try printJSON(page) }
            printTable(["RUN", "REQUESTS", "CLIPS", "BYTES", "FIRST", "LAST", "STAGES"], page.items.map {
                [$0.run, "\($0.requests)", "\($0.clips)", "\($0.bytes)", $0.firstTime, $0.lastTime,
                 $0.stages.joined(separator: ",")]
            })
            if page.items.isEmpty { print("(no runs)") }
            if let next = page.nextCursor { print("more: --cursor \(next)") }
        }
    }

    struct Run: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "One run: totals, batches and configurations.")

        @OptionGroup var options: DatabaseOptions

        @Argument(help: "The run id.")
        var id: String

        @Option(name: .customLong("batch-limit"), help: "Batches to list (1...1000).")
        var batchLimit = 1000

        func validate() throws {
            guard ProvenanceReader.limitRange.contains(batchLimit) else {
                throw ValidationError("--batch-limit must be in \(ProvenanceReader.limitRange)")
            }
        }

        func run() throws {
            guard let detail = try options.open().run(id, batchLimit: batchLimit) else {
                throw ProvenanceError.notFound("run '\(id)' in \(options.db)")
            }
            if options.json { return try printJSON(detail) }
            let s = detail.summary
            print("run \(s.run): \(s.requests) requests, \(s.clips) clips, \(s.bytes) bytes, \(s.firstTime) … \(s.lastTime)")
            print("stages: \(s.stages.joined(separator: ", "))\n")
            printTable(["ID", "TIME", "ROUTE", "STAGE", "CONFIG", "BATCH", "SEEDS", "BYTES"], detail.batches.map {
                [String($0.id), $0.time, $0.route, $0.stage, String($0.configurationHash.prefix(12)),
                 $0.batchIndex.map(String.init) ?? "-", "\($0.seedFirst)…\($0.seedLast)", "\($0.bytes)"]
            })
            if detail.batchesTruncated { print("(first \(batchLimit) batches; more with --batch-limit)") }
            print("\nconfigurations:")
            for configuration in detail.configurations {
                print("  \(configuration.hash) (first seen \(configuration.firstSeen))\n    \(configuration.canonical)")
            }
        }
    }

    struct Seed: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Every request that served a seed.")

        @OptionGroup var options: DatabaseOptions

        @Argument(help: "The seed (0...18446744073709551615).")
        var seed: UInt64

        @Option(help: "Only requests of this stage.")
        var stage: String?

        func run() throws {
            let hits = try options.open().seed(seed, stage: stage)
            if options.json { return try printJSON(hits) }
            printTable(["ID", "TIME", "RUN", "STAGE", "CONFIG", "BATCH", "POSITION", "SEEDS", "ROUTE"], hits.map {
                let r = $0.request
                return [String(r.id), r.time, r.run ?? "-", r.stage, String(r.configurationHash.prefix(12)),
                        r.batchIndex.map(String.init) ?? "-", "\($0.position)", "\(r.seedFirst)…\(r.seedLast)", r.route]
            })
            if hits.isEmpty { print("(seed \(seed) was never served\(stage.map { " for stage \($0)" } ?? ""))") }
        }
    }
}

private func printJSON<T: Encodable>(_ value: T) throws {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    encoder.keyEncodingStrategy = .convertToSnakeCase
    print(String(decoding: try encoder.encode(value), as: UTF8.self))
}

private func printTable(_ header: [String], _ rows: [[String]]) {
    guard !rows.isEmpty else { return }
    let widths = header.indices.map { column in
        ([header] + rows).map { $0[column].count }.max() ?? 0
    }
    for row in [header] + rows {
        let cells = row.enumerated().map { column, cell in
            column == row.count - 1 ? cell : cell.padding(toLength: widths[column], withPad: " ", startingAt: 0)
        }
        print(cells.joined(separator: "  "))
    }
}
