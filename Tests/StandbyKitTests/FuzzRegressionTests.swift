import Foundation
import Testing

@testable import StandbyKit

/// Every input that ever broke the pipeline (found by `scripts/fuzz` or by
/// hand) lives in `Fixtures/fuzz-regressions/` and runs here through the whole
/// pipeline, bytes to every renderer, exactly as the fuzzer runs it.
@Suite struct FuzzRegressions {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Fixtures/fuzz-regressions")

    static let inputs: [String] = {
        let files = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return files.filter { !$0.hasPrefix(".") && $0 != "README.md" }.sorted()
    }()

    @Test func corpusIsThere() {
        #expect(!Self.inputs.isEmpty)
    }

    @Test(arguments: inputs)
    func replay(_ name: String) throws {
        let data = try Data(contentsOf: Self.folder.appendingPathComponent(name))
        let clock = ContinuousClock()
        let elapsed = clock.measure { _ = Self.runPipeline(Array(data)) }
        #expect(elapsed < .seconds(2), "a hang guard, not a performance figure")
    }

    /// The whole pipeline; returns how many bytes the renderers wrote.
    static func runPipeline(_ bytes: [UInt8]) -> Int {
        var out = ""
        let source = SourceFile(path: "fuzz.yaml", bytes: bytes)
        let (compiled, diagnostics) = Pipeline.compile(source)
        DiagnosticRenderer.renderText(diagnostics.sorted, in: source, color: true, to: &out)
        DiagnosticRenderer.renderJSON([("fuzz.yaml", diagnostics)], to: &out)
        guard let compiled else { return out.utf8.count }
        for format in [OutputFormat.text, .json, .csv, .markdown] {
            for states in StateSelection.allCases {
                CompileRenderer.render(compiled, format: format, states: states, unit: .auto, to: &out)
            }
        }
        let plan = Planner.plan(compiled, faults: FaultKind.allCases)
        for format in OutputFormat.allCases {
            PlanRenderer.render(plan, compiled: compiled, format: format, unit: .MiB, to: &out)
        }
        let tracer = CaseTracer(compiled)
        for faultCase in plan.cases.prefix(16) {
            if let trace = tracer.trace(faultCase) {
                for format in [OutputFormat.text, .json, .csv, .markdown] {
                    PlanRenderer.renderCase(trace, format: format, unit: .auto, to: &out)
                }
            }
        }
        return out.utf8.count
    }

    @Test func bothReaderRegressionsDecode() {
        // The anchored mapping with an inline merge is valid YAML: it must reach the
        // decoder (an error about the spec's shape), not fail in the reader.
        let data = FileManager.default.contents(
            atPath: Self.folder.appendingPathComponent("anchored-inline-merge.yaml").path) ?? Data()
        let (_, diagnostics) = SpecDecoder.decode(Array(data))
        #expect(!diagnostics.all.contains { $0.code == "complex-key" })
        let bom = FileManager.default.contents(
            atPath: Self.folder.appendingPathComponent("bom-then-invalid-utf8.yaml").path) ?? Data()
        let (_, bomDiagnostics) = SpecDecoder.decode(Array(bom))
        #expect(bomDiagnostics.all.first?.location == SourceLocation(line: 1, column: 4))
    }
}
