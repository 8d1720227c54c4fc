import Dispatch

/// The one writer of a store: a serial queue that drains everything queued, writes it in one
/// transaction, commits it durably, then completes every row (group commit).
///
/// While a commit's fsync runs, new rows queue up; the next round takes all of them, so under
/// load the number of transactions (and fsyncs) stays far below the number of rows.
///
/// Health: a failed write that means "the file cannot be written" (see
/// `ProvenanceError.meansUnwritable`) marks the store unwritable and closes both connections.
/// From then on `enqueue` fails rows at once, except one write per retry interval, which goes
/// through as a recovery attempt; `probe()` (used by `checkWritable`) always tries. A recovery
/// attempt reopens the path: the same file once its permissions are back, or — when the file
/// was removed — a fresh database, created and migrated.
final class GroupCommitWriter: @unchecked Sendable {
    // `@unchecked Sendable` is sound: `database` is read and written only by blocks running on
    // `queue` (a serial queue), asserted by `onQueue()`; everything else shared is in `state`
    // (a `Locked`) or immutable (`let` of Sendable types).

    struct Job {
        let record: ProvenanceRecord
        let completion: @Sendable (Result<Int64, ProvenanceError>) -> Void
    }

    enum Health: Equatable {
        case writable
        /// Unwritable for `reason`; a write may try again from `retryAt` (monotonic ns).
        case unwritable(reason: String, retryAt: UInt64)
    }

    struct State {
        var pending: [Job] = []
        var draining = false
        var health: Health = .writable
        var latency = CommitLatencySnapshot()
    }

    let path: String
    let replica: String
    let options: ProvenanceOptions
    let state = Locked(State())
    private let queue = DispatchQueue(label: "provenance.writer", qos: .userInitiated)
    private let queueKey = DispatchSpecificKey<Bool>()
    /// Told to drop its connection before the writer reopens the file.
    private let reader: ProvenanceReader
    private var database: WriterDatabase?

    init(path: String, replica: String, options: ProvenanceOptions, reader: ProvenanceReader) throws(ProvenanceError) {
        self.path = path
        self.replica = replica
        self.options = options
        self.reader = reader
        queue.setSpecific(key: queueKey, value: true)
        database = try WriterDatabase(path: path, busyTimeoutMilliseconds: options.busyTimeoutMilliseconds)
    }

    // MARK: Called from any thread

    func enqueue(_ job: Job) {
        let now = SystemClock.monotonicNanoseconds()
        let refusal: ProvenanceError? = state.withLock { state in
            if case let .unwritable(reason, retryAt) = state.health {
                if now < retryAt { return .unwritable(reason) }
                // Let this write through as the recovery attempt; hold the others back.
                state.health = .unwritable(reason: reason, retryAt: now + retryNanoseconds)
            }
            state.pending.append(job)
            if !state.draining {
                state.draining = true
                queue.async { self.drain() }
            }
            return nil
        }
        if let refusal {
            DispatchQueue.global().async { job.completion(.failure(refusal)) }
        }
    }

    var isWritable: Bool {
        state.withLock { $0.health == .writable }
    }

    /// Proves the file takes a durable write now (recovering first when needed).
    func probe() -> Result<Void, ProvenanceError> {
        onQueue { () -> Result<Void, ProvenanceError> in
            do throws(ProvenanceError) {
                let db = try openDatabase()
                try db.verifyFile()
                try db.probe(replica: replica)
                try db.verifyFile()
                markWritable()
                return .success(())
            } catch {
                return .failure(handleFailure(error))
            }
        }
    }

    /// Returns once every row queued before the call has been written (or failed).
    func flush() {
        onQueue { () -> Void in
            while let jobs = takePending(emptyEndsDraining: false) { write(jobs) }
        }
    }

    // MARK: On the queue

    private var retryNanoseconds: UInt64 {
        UInt64(max(0, options.retryIntervalSeconds) * 1e9)
    }

    private func onQueue<R>(_ body: () -> R) -> R {
        if DispatchQueue.getSpecific(key: queueKey) == true { return body() }
        return queue.sync(execute: body)
    }

    private func drain() {
        while let jobs = takePending(emptyEndsDraining: true) { write(jobs) }
    }

    private func takePending(emptyEndsDraining: Bool) -> [Job]? {
        let limit = max(1, options.maxRowsPerCommit)
        return state.withLock { state in
            if state.pending.isEmpty {
                if emptyEndsDraining { state.draining = false }
                return nil
            }
            if state.pending.count <= limit {
                defer { state.pending.removeAll(keepingCapacity: true) }
                return state.pending
            }
            defer { state.pending.removeFirst(limit) }
            return Array(state.pending.prefix(limit))
        }
    }

    private func write(_ jobs: [Job]) {
        let result: Result<[Int64], ProvenanceError>
        do throws(ProvenanceError) {
            let db = try openDatabase()
            try db.verifyFile()
            let start = SystemClock.monotonicNanoseconds()
            let ids = try db.insert(jobs.map(\.record), replica: replica)
            let seconds = Double(SystemClock.monotonicNanoseconds() - start) / 1e9
            // Committed; but if the path stopped naming this file meanwhile, the rows are in a
            // file nobody will read: answer them as unwritten.
            try db.verifyFile()
            state.withLock { state in
                state.latency.add(seconds: seconds, rows: jobs.count)
                state.health = .writable
            }
            result = .success(ids)
        } catch {
            let failure = handleFailure(error)
            state.withLock { $0.latency.failedCommits += 1 }
            result = .failure(failure)
        }
        switch result {
        case let .success(ids):
            for (job, id) in zip(jobs, ids) { job.completion(.success(id)) }
        case let .failure(error):
            for job in jobs { job.completion(.failure(error)) }
        }
    }

    private func openDatabase() throws(ProvenanceError) -> WriterDatabase {
        if let database { return database }
        let opened: WriterDatabase
        do throws(ProvenanceError) {
            opened = try WriterDatabase(path: path, busyTimeoutMilliseconds: options.busyTimeoutMilliseconds)
        } catch {
            // Whatever stops the file from opening (a newer schema included), it cannot take rows.
            throw error.meansUnwritable ? error : .unwritable("cannot open \(path): \(error)")
        }
        database = opened
        reader.resume()
        return opened
    }

    private func markWritable() {
        state.withLock { $0.health = .writable }
    }

    /// Records what a failure means for the store's health and answers the error to give rows.
    private func handleFailure(_ error: ProvenanceError) -> ProvenanceError {
        guard error.meansUnwritable else { return error }
        let reason: String = if case let .unwritable(reason) = error { reason } else { error.description }
        // When the path no longer names the open file, or the connection itself may be broken,
        // drop both connections so the recovery attempt reopens whatever the path names then.
        // The reader closes first, so this (read-write) connection is the file's last one and
        // its close checkpoints and removes the WAL of the old file. A read-only or full file
        // keeps its connections: queries go on answering, and the same file resumes writes.
        if let database, (try? database.connection.hasMoved()) != false || error.needsReopen {
            reader.suspend()
            self.database = nil
        }
        let retryAt = SystemClock.monotonicNanoseconds() + retryNanoseconds
        state.withLock { $0.health = .unwritable(reason: reason, retryAt: retryAt) }
        return .unwritable(reason)
    }
}
