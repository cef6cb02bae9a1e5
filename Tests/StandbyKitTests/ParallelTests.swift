import Foundation
import Testing

@testable import StandbyKit

/// The planner's helpers for running work on every core.
@Suite struct ParallelTests {
    @Test func parallelKeepsTheOrderOfItsResults() {
        #expect(parallel(5) { $0 * $0 } == [0, 1, 4, 9, 16])
        #expect(parallel(0) { $0 }.isEmpty)
    }

    /// Products are consumed in index order whatever order they are made in,
    /// one at a time, never more than `window` ahead, and consumed products
    /// come back to be made again.
    @Test(arguments: [(1, 1), (2, 2), (2, 4), (4, 2), (3, 7), (8, 3)])
    func productsAreConsumedInOrder(threads: Int, window: Int) {
        let count = 200
        // Under a pthread lock (NSLock), which ThreadSanitizer sees, unlike
        // the standard library's Mutex.
        let state = Locked((consumed: [Int](), consuming: false, reused: 0))
        // Written inside `produce` and read inside `consume`, both under the lock.
        parallelInOrder(count, threads: threads, window: window) { i, thread, reuse -> [Int] in
            #expect(thread >= 0 && thread < threads)
            state.withLock { s in
                // A claim waits while `window` products wait to be consumed.
                #expect(i < s.consumed.count + max(window, min(threads, count)))
                if reuse != nil { s.reused += 1 }
            }
            // Later indices often finish first.
            var product = reuse ?? []
            product.removeAll(keepingCapacity: true)
            for k in 0..<((count - i) % 17) { product.append(k) }
            product.append(i)
            return product
        } consume: { i, product in
            state.withLock { s in
                #expect(!s.consuming)
                s.consuming = true
            }
            #expect(product.last == i)
            state.withLock { s in
                s.consumed.append(i)
                s.consuming = false
            }
        }
        let s = state.withLock { $0 }
        #expect(s.consumed == Array(0..<count))
        #expect(s.reused > 0)
    }

    @Test func nothingToProduceConsumesNothing() {
        var consumed = 0
        parallelInOrder(0, threads: 4, window: 4) { i, _, _ in i } consume: { _, _ in consumed += 1 }
        #expect(consumed == 0)
    }
}

/// A value read and written under a lock.
private final class Locked<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Value

    init(_ value: Value) { self.value = value }

    func withLock<R>(_ body: (inout Value) -> R) -> R {
        lock.lock()
        defer { lock.unlock() }
        return body(&value)
    }
}
