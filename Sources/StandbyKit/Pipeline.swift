import YAMLReader

// The reader's limits are part of the library's API (`Pipeline.compile(_:limits:)`),
// so a user of StandbyKit sets them without importing the reader.
@_exported import struct YAMLReader.YAMLLimits

/// The stages of standby, each a plain function from one typed value to the next:
///
///     bytes ─ SpecLoader ─▶ Spec ─ Compiler ─▶ CompiledSpec ─ Planner ─▶ Plan ─ renderers ─▶ text
///
/// Each command runs these stages, in this order (*load* is ``SpecLoader``:
/// decode and validate; *decode* is ``SpecDecoder`` alone, for the commands
/// that answer a spec whose jobs cannot start; *compile* is ``compile(_:limits:)``:
/// load, ``Compiler``, then the least-memory advice on each start-up error):
///
/// | command | stages |
/// |---|---|
/// | `validate` | compile, diagnostics |
/// | `compile` | compile, ``CompileRenderer`` |
/// | `plan` | compile, ``Planner`` (figures and cases in one pass), ``LeastMemory`` read off those figures when a case is short, ``PlanRenderer`` |
/// | `fix` | decode, ``LeastMemory`` (proven by planning again), ``SpecEditor`` |
/// | `diff` | compile both, ``Planner`` both, ``LeastMemory`` of the new, ``PlanDiff``, ``DiffRenderer`` |
/// | `place` | decode, ``Placement`` (proven by planning again), ``PlacementWriter``, ``PlacementRenderer`` |
/// | `tolerate` | compile, ``Tolerance``, ``ToleranceRenderer`` |
/// | `headroom` | compile, ``Headroom``, ``HeadroomRenderer`` |
/// | `runway` | decode, ``RunwayPlanner`` (one figures pass a period), ``SpecEditor``, ``RunwayRenderer`` |
///
/// The least-memory advice is a stage of its own, after the compiler: the
/// compiler and the spec's folders never call the planner or the advice.
///
/// Every stage collects its problems as ``Diagnostics`` instead of stopping at the
/// first, and none prints or exits: the command line decides what to show.
/// ``SpecFile`` is the front door that a library user starts from: it reads a
/// spec and runs these stages, and gives plans, fixes and diffs as values.
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
        diagnostics.append(contentsOf: withLeastMemory(compileDiagnostics, spec))
        return (compiled, diagnostics)
    }

    /// `diagnostics` with each job that cannot start told the least memory of
    /// its machine: the change `standby fix` makes, which starts every job of
    /// the machine (not only this one) and covers every case memory can cover.
    /// Only the start-up errors pay for planning it.
    static func withLeastMemory(_ diagnostics: Diagnostics, _ spec: Spec) -> Diagnostics {
        guard diagnostics.all.contains(where: { $0.code == .jobCannotStart }),
            case .success(let advice) = LeastMemory.fix(spec)
        else { return diagnostics }
        // A job's error is located at the job: find its machine by that place.
        var machineOfJob: [SourceLocation: Int] = [:]
        for (m, machine) in spec.machines.enumerated() {
            for os in machine.oses { for job in os.jobs { machineOfJob[job.location] = m } }
        }
        var changes: [Int: Advice.MachineChange] = [:]
        for change in advice.machines { changes[change.index] = change }
        return Diagnostics(
            diagnostics.all.map { d in
                guard d.code == .jobCannotStart, let m = machineOfJob[d.location], let change = changes[m],
                    let edit = change.edits.first(where: { $0.os == nil })
                else { return d }
                var told = d
                told.notes = d.notes.filter { $0.location == nil }
                // In the one exact scale of the whole change, as the fix itself says it.
                let scale = Size.exactScale(for: change.edits.flatMap { [$0.from, $0.to] })
                told.notes.append(
                    .init(
                        "raise the memory of machine '\(spec.machines[m].name)' from \(scale.format(edit.from)) to \(scale.format(edit.to)): every job then starts and every case memory can cover is covered ('standby fix' writes it)",
                        at: edit.location ?? spec.machines[m].location))
                return told
            })
    }
}

extension Pipeline {
    /// Runs `bytes` through every stage and every renderer of every command —
    /// diagnostics as text, JSON, SARIF and workflow commands, the least-memory
    /// fix written into the text and as a diff, the compiled tables in every
    /// format and state selection, the plan of every fault kind in every format
    /// with its fix and findings, the plan compared with itself, and the first
    /// cases step by step — writing into `out`.
    ///
    /// This is what the fuzzer (`fuzz/FuzzPipeline.swift`) runs on each input and
    /// what the fuzz regression tests replay, so both exercise the same code. It
    /// traps when the text diagnostics without colour hold a control character
    /// other than line ends and excerpt tabs, or a bidirectional control: input
    /// must never reach a terminal raw. Not part of the library's API: it is
    /// `package`, seen by the tests and by the fuzzer, which `scripts/fuzz`
    /// compiles with the same package name.
    package static func runEverything(_ bytes: [UInt8], to out: inout some TextOutputStream) {
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
        FindingRenderer.renderSARIF(Finding.all([("fuzz.yaml", diagnostics)]), to: &out)
        FindingRenderer.renderGitHub(Finding.all([("fuzz.yaml", diagnostics)]), to: &out)
        // The fix works on a spec that decodes, whatever its other errors.
        if case (let decoded?, let decodeDiagnostics) = SpecDecoder.decode(bytes), !decodeDiagnostics.hasErrors,
            case .success(let advice) = LeastMemory.fix(decoded)
        {
            let edited = SpecEditor.apply(advice, to: bytes)
            out.write(String(decoding: UnifiedDiff.render(path: "fuzz.yaml", source: bytes, splices: edited.splices), as: UTF8.self))
            // The edited text decodes to the advised sizes, or nothing is edited.
            if edited.text != bytes, SpecDecoder.decode(edited.text).0 == nil {
                fatalError("the fixed spec does not decode")
            }
        }
        guard let compiled else { return }
        let textFormats: [OutputFormat] = [.text, .json, .csv, .markdown]
        for format in textFormats {
            for states in StateSelection.allCases {
                CompileRenderer.render(compiled, format: format, states: states, unit: .auto, to: &out)
            }
        }
        let (figures, plan) = Planner.planWithFigures(compiled, faults: FaultKind.allCases)
        let fix = LeastMemory.fix(figures, compiled: compiled).map { PlanFix(advice: $0, path: "fuzz.yaml") }
        // The least layout, as `fix --reclaim` writes it, decodes again.
        if case .success(let reclaim) = LeastMemory.reclaim(compiled.spec, faults: FaultKind.allCases) {
            let edited = SpecEditor.apply(reclaim, to: bytes)
            if edited.text != bytes, SpecDecoder.decode(edited.text).0 == nil {
                fatalError("the reclaimed spec does not decode")
            }
        }
        for format in OutputFormat.allCases {
            PlanRenderer.render(plan, compiled: compiled, format: format, unit: .MiB, fix: fix, to: &out)
        }
        FindingRenderer.renderSARIF(
            PlanFindings.findings(plan, compiled: compiled, path: "fuzz.yaml", advice: fix?.advice), to: &out)
        let diff = PlanDiff(old: plan, oldSpec: compiled.spec, new: plan, newSpec: compiled.spec)
        if diff.regressions != 0 || !diff.machines.isEmpty { fatalError("a spec differs from itself") }
        for format in [OutputFormat.text, .json, .markdown] {
            DiffRenderer.render(diff, old: "a.yaml", new: "b.yaml", format: format, to: &out)
        }
        // Three periods of growth, in every format of `runway`.
        if let rate = GrowthRate(basisPoints: 2_500),
            case .success(let runway) = RunwayPlanner.answer(compiled.spec, RunwayQuestion(growth: rate, horizon: 3))
        {
            for format in [OutputFormat.text, .json, .markdown, .csv] {
                RunwayRenderer.render(runway, format: format, unit: .auto, to: &out)
            }
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
