// The libFuzzer entry point: every input runs the whole pipeline, bytes to
// every renderer, exactly as `standby` would (see scripts/fuzz).
import StandbyKit
import YAMLReader

/// Counts what the renderers write and drops it.
struct NullStream: TextOutputStream {
    var bytes = 0
    mutating func write(_ string: String) { bytes &+= string.utf8.count }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    FuzzPipeline.run(Array(UnsafeBufferPointer(start: data, count: size)))
    return 0
}

enum FuzzPipeline {
    static func run(_ bytes: [UInt8]) {
        let source = SourceFile(path: "fuzz.yaml", bytes: bytes)
        let (compiled, diagnostics) = Pipeline.compile(source)
        var out = NullStream()
        DiagnosticRenderer.renderText(diagnostics.sorted, in: source, color: true, to: &out)
        DiagnosticRenderer.renderJSON([("fuzz.yaml", diagnostics)], to: &out)
        guard let compiled else { return }
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
    }
}
