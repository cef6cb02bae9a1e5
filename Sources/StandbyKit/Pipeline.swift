import YAMLReader

// The reader's limits are part of the library's API (`Pipeline.compile(_:limits:)`),
// so a user of StandbyKit sets them without importing the reader.
@_exported import struct YAMLReader.YAMLLimits

/// The stages of standby, each a plain function from one typed value to the next:
///
///     bytes ─ SpecLoader ─▶ Spec ─ Compiler ─▶ CompiledSpec ─ Planner ─▶ Plan ─ renderers ─▶ text
///
/// Every stage collects its problems as ``Diagnostics`` instead of stopping at the
/// first, and none prints or exits: the command line decides what to show.
public enum Pipeline {
    /// Decodes, validates and compiles a spec. The compiled spec is `nil` when any
    /// stage found an error; the diagnostics hold every problem found.
    public static func compile(_ source: SourceFile, limits: YAMLLimits = .default)
        -> (CompiledSpec?, Diagnostics)
    {
        let (spec, loadDiagnostics) = SpecLoader.load(source.bytes, limits: limits)
        guard let spec else { return (nil, loadDiagnostics) }
        var diagnostics = loadDiagnostics
        let (compiled, compileDiagnostics) = Compiler.compile(spec)
        diagnostics.append(contentsOf: compileDiagnostics)
        return (compiled, diagnostics)
    }
}

extension Pipeline {
    /// Runs `bytes` through every stage and every renderer of every command —
    /// diagnostics as text and JSON, the compiled tables in every format and
    /// state selection, the plan of every fault kind in every format, and the
    /// first cases step by step — writing into `out`.
    ///
    /// This is what the fuzzer (`fuzz/FuzzPipeline.swift`) runs on each input and
    /// what the fuzz regression tests replay, so both exercise the same code. It
    /// traps when the text diagnostics without colour hold a control character
    /// other than line ends and excerpt tabs, or a bidirectional control: input
    /// must never reach a terminal raw. Not part of the library's API: the
    /// fuzzer and the tests import it with `@_spi(Fuzzing)`.
    @_spi(Fuzzing) public static func runEverything(_ bytes: [UInt8], to out: inout some TextOutputStream) {
        let source = SourceFile(path: "fuzz.yaml", bytes: bytes)
        let (compiled, diagnostics) = compile(source)
        var plain = ""
        DiagnosticRenderer.renderText(diagnostics.sorted, in: source, color: false, to: &plain)
        if let bad = plain.unicodeScalars.first(where: { TerminalText.isUnsafe($0) && $0 != "\n" && $0 != "\t" }) {
            fatalError("text diagnostics hold the raw scalar U+\(String(bad.value, radix: 16, uppercase: true))")
        }
        out.write(plain)
        DiagnosticRenderer.renderText(diagnostics.sorted, in: source, color: true, to: &out)
        DiagnosticRenderer.renderJSON([("fuzz.yaml", diagnostics)], to: &out)
        guard let compiled else { return }
        let textFormats: [OutputFormat] = [.text, .json, .csv, .markdown]
        for format in textFormats {
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
            guard let trace = tracer.trace(faultCase) else { continue }
            for format in textFormats {
                PlanRenderer.renderCase(trace, format: format, unit: .auto, to: &out)
            }
        }
    }
}
