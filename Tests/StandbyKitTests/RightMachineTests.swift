import Foundation
import Testing

@testable import StandbyKit

/// A shortfall is shown on the machine whose pool or standbys are short, with
/// the machine where the fault happened, when they differ.
@Suite struct RightMachineTests {
    @Test func aCrossMachineShortfallNamesTheMachineThatIsShort() throws {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("examples/cross-machine.yaml")
        // rack2 with 10 GiB less: its pool cannot make up what dr lacks for api's copy.
        let text = try String(contentsOf: url, encoding: .utf8)
            .replacingOccurrences(of: "  - name: rack2\n    memory: 32Gi\n", with: "  - name: rack2\n    memory: 22Gi\n")
        let (compiled, diagnostics) = Pipeline.compile(SourceFile(path: "cm.yaml", bytes: Array(text.utf8)))
        #expect(!diagnostics.hasErrors)
        let spec = try #require(compiled)
        let plan = Planner.plan(spec)
        let fix = PlanFix(advice: try LeastMemory.fix(spec.spec).get(), path: "cm.yaml")
        var report = ""
        PlanRenderer.render(plan, compiled: spec, format: .text, unit: .auto, fix: fix, detail: .machines, to: &report)
        #expect(report.contains("    rack1/os/app: needs 4 GiB on rack2\n"))
        // The summary names rack2 with its fix and the case of rack1 it covers.
        #expect(report.contains("\n  rack2: memory 22 GiB → 26 GiB (cm.yaml:"))
        #expect(report.contains("rack1/os/app needs 4 GiB on rack2\n"))
        // The fix changes rack2, where the copy's standby runs, not rack1.
    }
}
