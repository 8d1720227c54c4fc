import Foundation
@testable import Provenance

/// A fresh directory under the system temp directory, removed when the value goes away.
final class TemporaryDirectory {
    let path: String

    init() {
        var template = Array((NSTemporaryDirectory() + "provenance-tests-XXXXXX").utf8CString)
        path = template.withUnsafeMutableBufferPointer { String(cString: mkdtemp($0.baseAddress!)) }
    }

    deinit {
        try? FileManager.default.removeItem(atPath: path)
    }

    var databasePath: String { path + "/provenance.sqlite" }
}

/// A configuration of the test data: its hash and canonical JSON.
struct TestConfiguration {
    let hash: String
    let canonical: String

    static let a = TestConfiguration(hash: String(repeating: "a1", count: 32), canonical: #"{"stage":"static-circles"}"#)
    static let b = TestConfiguration(hash: String(repeating: "b2", count: 32), canonical: #"{"stage":"moving-shapes"}"#)
}

func makeRecord(run: String? = "run-1", stage: String = "static-circles", configuration: TestConfiguration = .a,
                seedFirst: UInt64 = 0, seedCount: Int = 1, batchIndex: Int? = nil,
                time: String = Timestamp.now(), bytes: Int = 1000) -> ProvenanceRecord {
    ProvenanceRecord(time: time, run: run, client: "127.0.0.1:5000", route: batchIndex == nil ? "/v1/clips" : "/v1/batches",
                     stage: stage, configurationHash: configuration.hash,
                     configurationCanonicalJSON: configuration.canonical, seedFirst: seedFirst, seedCount: seedCount,
                     batchIndex: batchIndex, batchSize: batchIndex == nil ? nil : seedCount,
                     frames: "[0,4,8,12]", generatorVersion: 1, bytes: bytes, renderMilliseconds: 2.5)
}

/// Runs a SQL statement through a separate raw connection and returns the first column of the first row.
func rawScalar(_ path: String, _ sql: String) throws -> Int64 {
    let connection = try SQLiteConnection(path: path, mode: .readWrite(create: false), busyTimeoutMilliseconds: 5000)
    return try connection.scalarInt(sql)
}

func rawText(_ path: String, _ sql: String) throws -> String? {
    let connection = try SQLiteConnection(path: path, mode: .readWrite(create: false), busyTimeoutMilliseconds: 5000)
    return try connection.scalarText(sql)
}

/// Runs a program and answers its exit status and standard output.
@discardableResult
func runProgram(_ executable: String, _ arguments: [String]) throws -> (status: Int32, output: String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = FileHandle.nullDevice
    try process.run()
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: data, as: UTF8.self))
}

func executableExists(_ path: String) -> Bool {
    FileManager.default.isExecutableFile(atPath: path)
}

extension Result {
    var failure: Failure? {
        if case let .failure(error) = self { error } else { nil }
    }
}

extension ProvenanceError {
    var isUnwritable: Bool {
        if case .unwritable = self { true } else { false }
    }
}
