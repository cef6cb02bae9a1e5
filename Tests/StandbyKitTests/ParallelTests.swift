import Foundation
import Testing

@testable import StandbyKit

/// Work on every core: the helpers that run it, and the stages that use them
/// (index, compiled JSON) against the same work on one thread.
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
        parallelInOrder(count, threads: threads, window: window) { (i, thread, product: inout [Int]?) in
            #expect(thread >= 0 && thread < threads)
            state.withLock { s in
                // A claim waits while `window` products wait to be consumed.
                #expect(i < s.consumed.count + max(window, min(threads, count)))
                if product != nil { s.reused += 1 }
            }
            // Later indices often finish first.
            var made = product.take() ?? []
            made.removeAll(keepingCapacity: true)
            for k in 0..<((count - i) % 17) { made.append(k) }
            made.append(i)
            product = made
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

    /// A valid fleet of 60 machines of two actives with 40 jobs each (4,800
    /// jobs, enough to be checked and compiled on every core); every fifth
    /// machine sends its second active's copies to the next machine's standby.
    /// With `overcommitted`, every 23rd machine's OSes outgrow its memory.
    static func fleetYAML(overcommitted: Bool = false) -> String {
        var yaml = "version: 1\nmachines:\n"
        for m in 0..<60 {
            let memory = overcommitted && m % 23 == 7 ? "8Gi" : "64Gi"
            yaml += "  - name: m\(m)\n    memory: \(memory)\n    monitor: 1Gi\n    oses:\n"
            for a in 0..<2 {
                let standby = a == 1 && m % 5 == 1 ? "m\((m + 1) % 60)/sb0" : "sb0"
                yaml += "      - name: a\(a)\n        role: active\n        memory: 8Gi\n        kernel: 1Gi\n"
                yaml += "        standby: \(standby)\n        jobs:\n"
                for j in 0..<40 {
                    yaml += "          - {name: j\(a)-\(j), memory: \(64 + m + j)Mi, hot_standby: \(j % 2 == 0)}\n"
                }
            }
            yaml += "      - {name: sb0, role: standby, memory: 4Gi, kernel: 1Gi}\n"
        }
        return yaml
    }

    /// The planner's index holds the same records however many threads build it.
    @Test func everyCoreIndexesWhatOneThreadIndexes() throws {
        let (compiled, diagnostics) = Pipeline.compile(SourceFile(path: "fleet.yaml", bytes: Array(Self.fleetYAML().utf8)))
        let spec = try #require(compiled, "\(diagnostics.all)")
        let one = PlanIndex(spec, threads: 1)
        #expect(one.jobs.count == 4800)
        #expect(one.incomingJobs.count == 2400)
        #expect(one.oses.contains { $0.incoming.count > 20 })
        for threads in [2, 3, 8] {
            let index = PlanIndex(spec, threads: threads)
            #expect(index.machineIndex == one.machineIndex)
            #expect(index.machines == one.machines, "\(threads) threads")
            #expect(index.oses == one.oses, "\(threads) threads")
            #expect(index.jobs == one.jobs, "\(threads) threads")
            #expect(index.incomingJobs == one.incomingJobs, "\(threads) threads")
        }
    }

    /// The compiled tables' JSON, written machine by machine on every core, is
    /// that written on one thread.
    @Test func everyCoreWritesTheCompiledJSONOfOneThread() throws {
        let (compiled, diagnostics) = Pipeline.compile(SourceFile(path: "fleet.yaml", bytes: Array(Self.fleetYAML().utf8)))
        let spec = try #require(compiled, "\(diagnostics.all)")
        var one = ""
        CompileRenderer.renderJSON(spec, states: .final, threads: 1, to: &one)
        // Every machine's final state, after its 80 job starts.
        #expect(one.components(separatedBy: "\"label\": \"\(CompileRenderer.stateLabel(80))\"").count == 61)
        for threads in [2, 3, 8] {
            var written = ""
            CompileRenderer.renderJSON(spec, states: .final, threads: threads, to: &written)
            #expect(written == one, "\(threads) threads")
        }
    }

    @Test func nothingToProduceConsumesNothing() {
        var consumed = 0
        parallelInOrder(0, threads: 4, window: 4) { i, _, product in product = i } consume: { _, _ in consumed += 1 }
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
