import Dispatch

/// `items.map(body)` on `threads` threads (DispatchQueue.concurrentPerform); results in item order.
/// Each worker w takes items w, w + threads, …, so the work split never depends on timing.
public func parallelMap<T: Sendable, R: Sendable>(_ items: [T], threads: Int, _ body: @Sendable (T) -> R) -> [R] {
    let workers = Swift.max(1, Swift.min(threads, items.count))
    if workers == 1 { return items.map(body) }
    let slots = ResultSlots<R>(count: items.count)
    DispatchQueue.concurrentPerform(iterations: workers) { worker in
        var index = worker
        while index < items.count {
            slots.set(index, body(items[index]))
            index += workers
        }
    }
    return slots.values()
}

/// Write-once result slots for `parallelMap`.
/// @unchecked Sendable: every slot is written by exactly one worker (disjoint indices) before
/// `concurrentPerform` returns, and read only after it returned (which orders the writes).
private final class ResultSlots<R>: @unchecked Sendable {
    private let storage: UnsafeMutablePointer<R?>
    private let count: Int

    init(count: Int) {
        self.count = count
        storage = .allocate(capacity: count)
        storage.initialize(repeating: nil, count: count)
    }

    deinit {
        storage.deinitialize(count: count)
        storage.deallocate()
    }

    func set(_ index: Int, _ value: R) { storage[index] = value }

    func values() -> [R] { (0..<count).map { storage[$0]! } }
}
