import YAMLReader

/// Stage: bytes → a checked spec (decode, then validate).
public enum SpecLoader {
    /// Decodes and validates. The spec is `nil` when either stage found an error.
    /// Validation runs only on a spec that decoded without error, so its rules
    /// never report on values the decoder already rejected.
    public static func load(
        _ bytes: some Collection<UInt8>, limits: YAMLLimits = .default
    ) -> (Spec?, Diagnostics) {
        var (spec, diagnostics) = SpecDecoder.decode(bytes, limits: limits)
        guard let decoded = spec else { return (nil, diagnostics) }
        diagnostics.append(contentsOf: Validator.validate(decoded))
        if diagnostics.hasErrors { spec = nil }
        return (spec, diagnostics)
    }
}
