/// The fix a plan report shows beside its cases: the least-memory change of
/// the spec (``LeastMemory/fix(_:compiled:)``) and the path the spec was read from,
/// which locates each edit (`spec.yaml:4:13`).
public struct PlanFix: Sendable {
    /// The least-memory change, machine by machine.
    public var advice: Advice
    /// The spec's path as the report names it.
    public var path: String
    /// Per machine name, its change.
    let changes: [String: Advice.MachineChange]
    /// Where a value edited here is an anchor other entries read too.
    let shared: Set<SourceLocation>

    /// The fix `advice` of the spec read from `path`.
    public init(advice: Advice, path: String) {
        self.advice = advice
        self.path = path
        var changes: [String: Advice.MachineChange] = [:]
        for change in advice.machines { changes[change.machine] = change }
        self.changes = changes
        self.shared = advice.original.sharedSizeLocations()
    }

    /// The edits of machine `name`, none when it needs no change.
    func edits(of name: String) -> [Advice.Edit] { changes[name]?.edits ?? [] }

    /// Machine `name`'s change, if it has one.
    func change(of name: String) -> Advice.MachineChange? { changes[name] }

    /// The sentence of machine `name`'s change, if it has one.
    func sentence(of name: String) -> Words? { changes[name].map { Sentences.fix($0, path: path, shared: shared) } }

    /// Machine `name`'s change without its name (a line already about the
    /// machine says it), if it has one.
    func editsSentence(of name: String) -> Words? {
        changes[name].map { Sentences.fixEdits($0, path: path, shared: shared) }
    }

    /// Every machine's change, in document order.
    var sentences: [Words] { advice.machines.map { Sentences.fix($0, path: path, shared: shared) } }
}
