import Dispatch

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

// Work on every core: the validator's, the compiler's and the planner's index
// passes over the machines, the planner's two figures passes, and the JSON and
// CSV of the reports. (The YAML reader's second thread is its own, in
// YAMLReader/EventSource.swift.)

/// The threads worth running at once: the cores, at most 8.
func parallelThreads() -> Int {
    min(max(sysconf(Int32(_SC_NPROCESSORS_ONLN)), 1), 8)
}

/// The threads worth running for a pass over the machines of `spec`: one for
/// a small spec, where starting more costs more than they save.
func parallelThreads(for spec: Spec) -> Int {
    let jobs = spec.machines.reduce(0) { total, machine in machine.oses.reduce(total) { $0 + $1.jobs.count } }
    return jobs < 4096 ? 1 : parallelThreads()
}

/// `0..<count` cut into `threads` runs (fewer when there are fewer items) of
/// nearly equal length, in order: one run per thread.
func runs(of count: Int, threads: Int) -> [Range<Int>] {
    let threads = max(1, min(threads, count))
    return (0..<threads).map { t in (count * t / threads)..<(count * (t + 1) / threads) }
}

/// `body(0) … body(count - 1)`, run at once (on as many threads as there are
/// cores), their results in that order.
func parallel<T>(_ count: Int, _ body: (Int) -> T) -> [T] {
    var results = [T?](repeating: nil, count: count)
    results.withUnsafeMutableBufferPointer { slots in
        // Each thread writes its own slot only.
        nonisolated(unsafe) let slots = slots
        withoutActuallyEscaping(body) { body in
            nonisolated(unsafe) let body = body
            DispatchQueue.concurrentPerform(iterations: count) { i in slots[i] = body(i) }
        }
    }
    return results.compactMap { $0 }
}

/// `produce(i)` for every `i` in `0..<count`, run on `threads` threads at once,
/// and `consume` on each product in the order of `i`, one at a time, on
/// whichever thread finished the product due next. At most `window` products
/// are made ahead of the one consumed next, so memory stays bounded however
/// long one product takes.
///
/// `produce` makes its product in `product`, which holds a product consumed
/// before (or `nil`) to be made again in the same memory: take it out with
/// `product.take()`, so that it is not shared while it is written. It also
/// gets the thread's number in `0..<threads`, for scratch space of the
/// thread's own.
func parallelInOrder<T>(
    _ count: Int, threads: Int, window: Int,
    produce: (_ index: Int, _ thread: Int, _ product: inout T?) -> Void,
    consume: (_ index: Int, _ product: inout T) -> Void
) {
    guard count > 0 else { return }
    let threads = max(1, min(threads, count))
    let pipe = OrderedPipe<T>(window: max(window, threads))
    withoutActuallyEscaping(produce) { produce in
        withoutActuallyEscaping(consume) { consume in
            // Each closure runs on one thread at a time per call; `pipe`
            // orders the consuming (see OrderedPipe).
            nonisolated(unsafe) let produce = produce
            nonisolated(unsafe) let consume = consume
            DispatchQueue.concurrentPerform(iterations: threads) { thread in
                var product: T?
                while let i = pipe.claim(below: count, spare: &product) {
                    produce(i, thread, &product)
                    pipe.finish(i, &product, consume: consume)
                }
            }
        }
    }
}

/// The shared state of ``parallelInOrder(_:threads:window:produce:consume:)``,
/// under one lock: which index is claimed next, which is consumed next, the
/// products finished ahead of it (a ring of `window` slots), and the spare
/// products for reuse.
///
/// Products are consumed by one thread at a time (`consuming`): the thread
/// that finishes the product due next consumes it, and goes on with any that
/// were finished meanwhile; a thread that finishes one out of turn leaves it
/// in its slot. Claims wait while `window` products are ahead of the next
/// consumed; the product being consumed is always among those claimed, so
/// some thread is always at work and the wait ends.
private final class OrderedPipe<T>: @unchecked Sendable {
    private let lock = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private let changed = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)
    private let window: Int
    private var slots: [T?]
    private var spare: [T] = []
    private var nextClaim = 0
    private var nextConsume = 0
    private var consuming = false

    init(window: Int) {
        self.window = window
        slots = Array(repeating: nil, count: window)
        pthread_mutex_init(lock, nil)
        pthread_cond_init(changed, nil)
    }

    deinit {
        pthread_cond_destroy(changed)
        pthread_mutex_destroy(lock)
        changed.deallocate()
        lock.deallocate()
    }

    /// The next index to produce, with a spare product (if any) in `spare`;
    /// `nil` once every index below `count` is claimed.
    func claim(below count: Int, spare product: inout T?) -> Int? {
        pthread_mutex_lock(lock)
        defer { pthread_mutex_unlock(lock) }
        while nextClaim < count && nextClaim >= nextConsume + window { pthread_cond_wait(changed, lock) }
        guard nextClaim < count else { return nil }
        let i = nextClaim
        nextClaim += 1
        product = spare.popLast()
        return i
    }

    /// Files product `i` (taken out of `product`), and consumes it and those
    /// after it that are ready when it is the one due and no other thread is
    /// consuming.
    func finish(_ i: Int, _ product: inout T?, consume: (Int, inout T) -> Void) {
        pthread_mutex_lock(lock)
        slots[i % window] = product.take()
        guard !consuming else {
            pthread_mutex_unlock(lock)
            return
        }
        consuming = true
        while var ready = slots[nextConsume % window].take() {
            let index = nextConsume
            pthread_mutex_unlock(lock)
            consume(index, &ready)
            pthread_mutex_lock(lock)
            spare.append(ready)
            nextConsume += 1
            pthread_cond_broadcast(changed)
        }
        consuming = false
        pthread_mutex_unlock(lock)
    }
}
