extension Diagnostics {
    /// These diagnostics without the warnings `other` has too (the same code
    /// and message, wherever they are): `diff` shows a warning both specs
    /// have once, at its place in NEW, the spec under review. Errors are all
    /// kept. Linear in the two lists.
    package func withoutWarnings(in other: Diagnostics) -> Diagnostics {
        struct Key: Hashable {
            var code: DiagnosticCode
            var message: String
        }
        let theirs = Set(other.all.lazy.filter { $0.severity == .warning }.map { Key(code: $0.code, message: $0.message) })
        guard !theirs.isEmpty else { return self }
        return Diagnostics(all.filter { $0.severity == .error || !theirs.contains(Key(code: $0.code, message: $0.message)) })
    }
}
