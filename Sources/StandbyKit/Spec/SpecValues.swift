import YAMLReader

/// The decoding of values: sizes, percentages, booleans, names, references and
/// enumerations, each checked on its own and reported where it is written.
extension SpecDecoding {
    // MARK: - Values

    mutating func size(_ value: YAMLToken, key: String) throws(YAMLError) -> Located<Int>? {
        guard try expectScalar(value, key: key, expected: "a size", allowed: [.str, .int]) else {
            return nil
        }
        let at = location(value)
        if let bytes = withBytes(of: value, Quantity.parseWhole(bytes:)) { return Located(value: bytes, location: at) }
        switch withBytes(of: value, Quantity.parse(bytes:)) {
        case .success(let bytes):
            return Located(value: bytes, location: at)
        case .failure(.syntax(let hint)):
            var notes: [Diagnostic.Note] = []
            if let hint { notes.append(.init(hint)) }
            notes.append(.init(Quantity.acceptedForms))
            report(.error, .invalidSize, "'\(string(value))' is not a size", about: value, notes: notes)
        case .failure(.negative):
            report(.error, 
                .sizeOutOfRange, "'\(key)' cannot be negative: '\(string(value))'", about: value,
                notes: [.init("remove the minus sign")])
        case .failure(.tooLarge):
            report(.error, 
                .sizeOutOfRange, "'\(string(value))' is larger than the largest size, \(Int.max) bytes",
                about: value, notes: [.init("sizes go up to 2^63-1 bytes, just under 8Ei")])
        case .failure(.fractionalBytes):
            report(.error, 
                .sizeOutOfRange, "'\(string(value))' is not a whole number of bytes", about: value,
                notes: [.init("a fraction must come to whole bytes, as '1.5Gi' does; write the size in a smaller unit")])
        }
        return nil
    }

    mutating func percentage(_ value: YAMLToken, key: String) throws(YAMLError) -> Percentage? {
        guard try expectScalar(value, key: key, expected: "a percentage", allowed: [.str]) else {
            return nil
        }
        switch Percentage.parse(string(value)) {
        case .success(let p):
            return p
        case .failure(let failure):
            var notes: [Diagnostic.Note] = []
            switch failure {
            case .syntax(let hint?): notes.append(.init(hint))
            case .syntax(nil): break
            case .tooLarge: notes.append(.init("a share of a region is at most 100%"))
            case .tooPrecise:
                notes.append(.init("write at most \(Percentage.maxDecimals) digits after the decimal point"))
            }
            notes.append(.init("a percentage is 0% to 100%, decimals allowed, such as 12.5%"))
            report(.error, 
                .invalidPercentage, "'\(string(value))' is not a percentage from 0% to 100%",
                about: value, notes: notes)
            return nil
        }
    }

    /// A job's `growth`: a rate from 0% to 1000% with at most two decimals.
    mutating func growth(_ value: YAMLToken, key: String) throws(YAMLError) -> GrowthRate? {
        guard try expectScalar(value, key: key, expected: "a growth rate", allowed: [.str]) else {
            return nil
        }
        switch GrowthRate.parse(string(value)) {
        case .success(let rate):
            return rate
        case .failure(let failure):
            var notes: [Diagnostic.Note] = []
            switch failure {
            case .syntax: notes.append(.init("write a percentage with a '%' sign, such as 2% or 0.5%"))
            case .negative: notes.append(.init("a job's growth is 0% or more"))
            case .tooLarge: notes.append(.init("a job grows by at most 1000% a period"))
            case .tooPrecise: notes.append(.init("write at most 2 digits after the decimal point"))
            }
            report(.error,
                .invalidGrowth, "'\(string(value))' is not a growth rate from 0% to 1000%",
                about: value, notes: notes)
            return nil
        }
    }

    mutating func boolean(_ value: YAMLToken, key: String) throws(YAMLError) -> Located<Bool>? {
        let at = location(value)
        if value.kind == .scalar && value.tag == nil && value.style == .plain {
            if value.hasText(Literal.true) { return Located(value: true, location: at) }
            if value.hasText(Literal.false) { return Located(value: false, location: at) }
        }
        if value.kind == .scalar && !isNull(value) && (value.style.isQuoted || value.tag == .str) {
            let text = string(value)
            var notes: [Diagnostic.Note] = []
            switch text.lowercased() {
            case "true", "false": notes.append(.init("remove the quotes: write '\(text.lowercased())'"))
            default: notes.append(.init("write true or false, without quotes"))
            }
            report(.error, .wrongType, "'\(key)' must be true or false, not a string", about: value, notes: notes)
            return nil
        }
        guard try expectScalar(value, key: key, expected: "true or false", allowed: [.bool]) else {
            return nil
        }
        if value.hasText(Literal.true) { return Located(value: true, location: at) }
        if value.hasText(Literal.false) { return Located(value: false, location: at) }
        let text = string(value)
        let note: String
        switch text.lowercased() {
        case "true", "yes", "y", "on": note = "write 'true'"
        case "false", "no", "n", "off": note = "write 'false'"
        default: note = "write 'true' or 'false'"
        }
        report(.error, 
            .invalidBoolean, "'\(text)' is not a boolean; only true and false are (YAML 1.2)", about: value,
            notes: [.init(note)])
        return nil
    }

    mutating func name(_ value: YAMLToken, key: String) throws(YAMLError) -> Located<String>? {
        guard try expectScalar(value, key: key, expected: "a name", allowed: [.str]) else { return nil }
        let at = location(value)
        // Checked as bytes, and made a `String` once, when valid (as nearly every name is).
        if let valid = withBytes(of: value, { Names.isValidName($0) ? Names.string($0) : nil }) {
            return Located(value: valid, location: at)
        }
        let text = string(value)
        if let problem = Names.problem(with: text) {
            report(.error,
                .invalidName, "'\(text)' is not a valid name: it \(problem)", about: value,
                notes: [.init(Names.rule)])
            return nil
        }
        return Located(value: text, location: at)
    }

    mutating func reference(_ value: YAMLToken, key: String) throws(YAMLError) -> OSReference? {
        guard try expectScalar(value, key: key, expected: "a reference to an OS", allowed: [.str]) else {
            return nil
        }
        let at = location(value)
        guard let parts = withBytes(of: value, Names.reference(bytes:)) else {
            report(.error, 
                .invalidReference, "'\(string(value))' is not a reference to an OS", about: value,
                notes: [
                    .init("write the OS's name for an OS on this machine, or machine/os for one on another machine"),
                    .init(Names.rule),
                ])
            return nil
        }
        return OSReference(machine: parts.machine, os: parts.os, location: at)
    }

    mutating func enumValue<E: RawRepresentable & CaseIterable>(
        _ value: YAMLToken, _ type: E.Type, key: String, item: Bool = false
    ) throws(YAMLError) -> E? where E.RawValue == String {
        guard
            try expectScalar(
                value, key: key, expected: "one of \(Names.list(E.allCases.map(\.rawValue)))", allowed: [.str],
                item: item)
        else { return nil }
        if let e = E(rawValue: string(value)) { return e }
        let allowed = E.allCases.map(\.rawValue)
        var notes: [Diagnostic.Note] = []
        if let guess = Names.suggestion(for: string(value), among: allowed) {
            notes.append(.init("did you mean '\(guess)'?"))
        }
        notes.append(.init("'\(key)' is one of \(Names.list(allowed))"))
        report(.error, 
            .invalidValue, "'\(string(value))' is not a valid \(item ? "fault kind" : "'\(key)'")",
            about: value, notes: notes)
        return nil
    }

    // MARK: - Scalars

    func isNull(_ event: YAMLToken) -> Bool {
        guard event.kind == .scalar else { return false }
        if event.tag == .null { return true }
        guard event.tag == nil && event.style == .plain else { return false }
        // Most scalars are sizes and names: rule them out by their first byte.
        // (A long text, past 16 bytes, is never one of the short spellings of null.)
        if event.isEmpty { return true }
        switch event.firstInlineByte {
        case UInt8(ascii: "~"), UInt8(ascii: "n"), UInt8(ascii: "N"):
            return Literal.nulls.contains { event.hasText($0) }
        default: return false
        }
    }

    /// The text of `token` as a `String`.
    func string(_ token: YAMLToken) -> String {
        guard token.inlineWords != nil else { return reader.string(of: token) }
        return withBytes(of: token, Names.string)
    }

    /// Calls `body` with the bytes of `token`, valid only during the call: an
    /// inline text's from its words, on the stack; a long text's from the reader.
    @inline(__always)
    func withBytes<R>(of token: YAMLToken, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        guard let words = token.inlineWords else { return reader.withBytes(of: token, body) }
        var pair = (words.low.littleEndian, words.high.littleEndian)
        return withUnsafeBytes(of: &pair) { raw in
            body(UnsafeBufferPointer(rebasing: raw.bindMemory(to: UInt8.self).prefix(Int(words.count))))
        }
    }

    /// What a node is, for "must be a size, not a list".
    func describe(_ event: YAMLToken) -> String {
        switch event.kind {
        case .mappingStart: return "a mapping"
        case .sequenceStart: return "a list"
        case .scalar:
            if isNull(event) { return "null (no value)" }
            if event.style.isQuoted || event.tag == .str { return "a string" }
            switch string(event) {
            case "true", "false": return "a boolean"
            default:
                return string(event).utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") })
                    ? "a number" : "a string"
            }
        default: return "nothing"
        }
    }
}

/// Scalar texts the decoder recognises besides keys, compared as bytes.
enum Literal {
    static let `true` = words("true")
    static let `false` = words("false")
    /// The plain scalars YAML reads as null (besides the empty one).
    static let nulls = ["~", "null", "Null", "NULL"].map(words)

    /// The inline words of a text of at most 16 bytes.
    static func words(_ text: String) -> YAMLText.InlineWords {
        precondition(text.utf8.count <= 16, "a literal is inline")
        return YAMLText(text).inlineWords ?? YAMLText.InlineWords()
    }
}

/// The core tags a scalar may carry where a value is expected: a bit set, so
/// that checking one costs no allocation.
struct TagSet: OptionSet {
    let rawValue: UInt8
    static let str = TagSet(rawValue: 1)
    static let int = TagSet(rawValue: 2)
    static let bool = TagSet(rawValue: 4)

    init(rawValue: UInt8) { self.rawValue = rawValue }
    init(_ tag: YAMLTag) {
        switch tag {
        case .str: self = .str
        case .int: self = .int
        case .bool: self = .bool
        default: self = TagSet(rawValue: 0x80)
        }
    }
}
