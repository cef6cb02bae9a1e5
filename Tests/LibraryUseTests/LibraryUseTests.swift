import Foundation
import StandbyKit
import Testing

// What a Swift tool that depends on StandbyKit does, with `import StandbyKit`
// alone: load a spec, validate and compile it, plan it and read the figures.
// This target depends on nothing else, so a type a library user needs that
// only another module declares fails to compile here.

/// The worked example, read from the repository's examples/.
private func workedExample() throws -> SourceFile {
    let url = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("examples/patent-fig4.yaml")
    let data = try Data(contentsOf: url)
    return SourceFile(path: "patent-fig4.yaml", bytes: [UInt8](data))
}

@Suite struct LibraryUse {
    @Test func loadValidateCompileAndPlanTheWorkedExample() throws {
        let source = try workedExample()
        let (spec, loadDiagnostics) = SpecLoader.load(source.bytes, limits: YAMLLimits.default)
        let loaded = try #require(spec)
        #expect(!loadDiagnostics.hasErrors)
        #expect(!Validator.validate(loaded).hasErrors)

        let (compiled, diagnostics) = Pipeline.compile(source, limits: YAMLLimits(maxInputBytes: 1 << 20))
        #expect(!diagnostics.hasErrors)
        let plan = Planner.plan(try #require(compiled))

        // The worked example's figures, as docs/planning.md derives them.
        let mebi = 1 << 20
        let machine = try #require(plan.machines.first)
        #expect(machine.name == "vms50")
        #expect(machine.footprint == 192 * mebi)
        #expect(machine.standbys.map(\.minimum) == [32 * mebi])
        #expect(machine.reserveMinimum == 128 * mebi)
        #expect(plan.totals.fluidTotal == 384 * mebi)
        #expect(plan.totals.duplicateTotal == 416 * mebi)
        #expect(plan.totals.staticTotal == 384 * mebi)
        #expect(plan.totals.savings == 32 * mebi)
        #expect(plan.totals.savingsPercent.description == "7.7")
        #expect(!plan.covered)
        #expect(plan.cases.filter { !$0.covered }.map(\.id) == ["vms50/memory/active"])

        // The least memory that covers it, written into the spec's own text.
        let advice = try LeastMemory.fix(loaded).get()
        #expect(advice.machines.map(\.machine) == ["vms50"])
        let edited = SpecEditor.apply(advice, to: source.bytes)
        #expect(edited.left.isEmpty)
        #expect(String(decoding: edited.text, as: UTF8.self).contains("    memory: 384Mi\n"))
    }

    @Test func aSpecWithAnErrorGivesALocatedDiagnostic() {
        let source = SourceFile(path: "bad.yaml", bytes: Array("version: 1\nmachines: 3\n".utf8))
        let (compiled, diagnostics) = Pipeline.compile(source)
        #expect(compiled == nil)
        #expect(diagnostics.hasErrors)
        var text = ""
        DiagnosticRenderer.renderText(diagnostics.sorted, in: source, color: false, to: &text)
        #expect(text.hasPrefix("bad.yaml:2:"))
    }
}
