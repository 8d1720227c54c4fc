import Foundation

/// A bounded pool: `workerCount` threads and a queue of at most `queueCapacity` waiting jobs.
/// `submit` never blocks: when every worker is busy and the queue is full it returns false,
/// and the caller answers 503. Jobs already admitted (the next chunk of a response that is
/// being streamed) use `submit(_:force: true)`, which may exceed the queue bound by at most one
/// job per streaming response.
public final class WorkerPool: Sendable {
    private struct State {
        var jobs: [@Sendable () -> Void] = []
        var head = 0
        var running = 0
        var stopped = false
        var waiting: Int { jobs.count - head }
    }
    /// Guards `state`; workers wait on it.
    private let condition = NSCondition()
    private let state: LockedState
    public let workerCount: Int
    public let queueCapacity: Int

    /// Storage guarded by `condition`.
    ///
    /// `@unchecked Sendable` is sound: `value` is only read or written by WorkerPool methods
    /// between `condition.lock()` and `condition.unlock()`.
    private final class LockedState: @unchecked Sendable { var value = State() }

    public init(workerCount: Int, queueCapacity: Int, name: String = "http2server.worker") {
        self.workerCount = max(1, workerCount)
        self.queueCapacity = max(0, queueCapacity)
        self.state = LockedState()
        for i in 0..<self.workerCount {
            let t = Thread { [self] in self.loop() }
            t.name = "\(name).\(i)"
            t.stackSize = 1 << 20
            t.start()
        }
    }

    /// Number of jobs waiting (not running).
    public var queuedCount: Int {
        condition.lock(); defer { condition.unlock() }
        return state.value.waiting
    }

    /// Queues `job`; false when the pool is saturated (or stopped) and `force` is false.
    @discardableResult
    public func submit(force: Bool = false, _ job: @escaping @Sendable () -> Void) -> Bool {
        condition.lock()
        let s = state.value
        // Admitted work (running + waiting) is bounded by workers + queue capacity.
        if s.stopped || (!force && s.running + s.waiting >= workerCount + queueCapacity) {
            condition.unlock()
            return false
        }
        state.value.jobs.append(job)
        condition.signal()
        condition.unlock()
        return true
    }

    /// Lets workers finish queued jobs and exit. Later submissions are refused.
    public func stop() {
        condition.lock()
        state.value.stopped = true
        condition.broadcast()
        condition.unlock()
    }

    private func loop() {
        while true {
            condition.lock()
            while state.value.waiting == 0 && !state.value.stopped { condition.wait() }
            if state.value.waiting == 0 && state.value.stopped {
                condition.unlock()
                return
            }
            let job = state.value.jobs[state.value.head]
            state.value.head += 1
            if state.value.head > 64 && state.value.head * 2 > state.value.jobs.count {
                state.value.jobs.removeFirst(state.value.head)
                state.value.head = 0
            }
            state.value.running += 1
            condition.unlock()
            job()
            condition.lock()
            state.value.running -= 1
            condition.unlock()
        }
    }
}
