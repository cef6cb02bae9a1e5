import YAMLReader

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
