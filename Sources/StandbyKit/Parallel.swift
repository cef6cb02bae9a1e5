import Dispatch

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

// The planner's work on every core: its two figures passes and the JSON of
// each round of machines. (The YAML reader's second thread is its own, in
// YAMLReader/EventSource.swift.)

/// The threads worth running at once: the cores, at most 8.
func parallelThreads() -> Int {
    min(max(sysconf(Int32(_SC_NPROCESSORS_ONLN)), 1), 8)
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
