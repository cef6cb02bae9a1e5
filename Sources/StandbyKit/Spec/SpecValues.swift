import YAMLReader

/// The decoding of values: sizes, percentages, booleans, names, references and
/// enumerations, each checked on its own and reported where it is written.
extension SpecDecoding {
    // MARK: - Values

    mutating func size(_ value: YAMLEvent, key: String) throws(YAMLError) -> Located<Int>? {
        guard try expectScalar(value, key: key, expected: "a size", allowed: [.str, .int]) else {
            return nil
        }
        let at = location(value)
        switch value.text.withUTF8({ Quantity.parse(bytes: $0) }) {
        case .success(let bytes):
            return Located(value: bytes, location: at)
        case .failure(.syntax(let hint)):
            var notes: [Diagnostic.Note] = []
            if let hint { notes.append(.init(hint)) }
            notes.append(.init(Quantity.acceptedForms))
            report(.error, .invalidSize, "'\(value.value)' is not a size", about: value, notes: notes)
        case .failure(.negative):
            report(.error, 
                .sizeOutOfRange, "'\(key)' cannot be negative: '\(value.value)'", about: value,
                notes: [.init("remove the minus sign")])
        case .failure(.tooLarge):
            report(.error, 
                .sizeOutOfRange, "'\(value.value)' is larger than the largest size, \(Int.max) bytes",
                about: value, notes: [.init("sizes go up to 2^63-1 bytes, just under 8Ei")])
        case .failure(.fractionalBytes):
            report(.error, 
                .sizeOutOfRange, "'\(value.value)' is not a whole number of bytes", about: value,
                notes: [.init("a fraction must come to whole bytes, as '1.5Gi' does; write the size in a smaller unit")])
        }
        return nil
    }

    mutating func percentage(_ value: YAMLEvent, key: String) throws(YAMLError) -> Percentage? {
        guard try expectScalar(value, key: key, expected: "a percentage", allowed: [.str]) else {
            return nil
        }
        switch Percentage.parse(value.value) {
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
                .invalidPercentage, "'\(value.value)' is not a percentage from 0% to 100%",
                about: value, notes: notes)
            return nil
        }
    }

    /// A job's `growth`: a rate from 0% to 1000% with at most two decimals.
    mutating func growth(_ value: YAMLEvent, key: String) throws(YAMLError) -> GrowthRate? {
        guard try expectScalar(value, key: key, expected: "a growth rate", allowed: [.str]) else {
            return nil
        }
        switch GrowthRate.parse(value.value) {
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
                .invalidGrowth, "'\(value.value)' is not a growth rate from 0% to 1000%",
                about: value, notes: notes)
            return nil
        }
    }

    mutating func boolean(_ value: YAMLEvent, key: String) throws(YAMLError) -> Located<Bool>? {
        let at = location(value)
        if value.kind == .scalar && !isNull(value) && (value.style.isQuoted || value.tag == .str) {
            let text = value.value
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
        switch value.text {
        case Literal.true: return Located(value: true, location: at)
        case Literal.false: return Located(value: false, location: at)
        default: break
        }
        let text = value.value
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

    mutating func name(_ value: YAMLEvent, key: String) throws(YAMLError) -> Located<String>? {
        guard try expectScalar(value, key: key, expected: "a name", allowed: [.str]) else { return nil }
        let at = location(value)
        let text = value.value
        if let problem = Names.problem(with: text) {
            report(.error,
                .invalidName, "'\(text)' is not a valid name: it \(problem)", about: value,
                notes: [.init(Names.rule)])
            return nil
        }
        return Located(value: text, location: at)
    }

    mutating func reference(_ value: YAMLEvent, key: String) throws(YAMLError) -> OSReference? {
        guard try expectScalar(value, key: key, expected: "a reference to an OS", allowed: [.str]) else {
            return nil
        }
        let at = location(value)
        guard let parts = Names.reference(value.value) else {
            report(.error, 
                .invalidReference, "'\(value.value)' is not a reference to an OS", about: value,
                notes: [
                    .init("write the OS's name for an OS on this machine, or machine/os for one on another machine"),
                    .init(Names.rule),
                ])
            return nil
        }
        return OSReference(machine: parts.machine, os: parts.os, location: at)
    }

    mutating func enumValue<E: RawRepresentable & CaseIterable>(
        _ value: YAMLEvent, _ type: E.Type, key: String, item: Bool = false
    ) throws(YAMLError) -> E? where E.RawValue == String {
        guard
            try expectScalar(
                value, key: key, expected: "one of \(Names.list(E.allCases.map(\.rawValue)))", allowed: [.str],
                item: item)
        else { return nil }
        if let e = E(rawValue: value.value) { return e }
        let allowed = E.allCases.map(\.rawValue)
        var notes: [Diagnostic.Note] = []
        if let guess = Names.suggestion(for: value.value, among: allowed) {
            notes.append(.init("did you mean '\(guess)'?"))
        }
        notes.append(.init("'\(key)' is one of \(Names.list(allowed))"))
        report(.error, 
            .invalidValue, "'\(value.value)' is not a valid \(item ? "fault kind" : "'\(key)'")",
            about: value, notes: notes)
        return nil
    }

    // MARK: - Scalars

    func isNull(_ event: YAMLEvent) -> Bool {
        guard event.kind == .scalar else { return false }
        if event.tag == .null { return true }
        guard event.tag == nil && event.style == .plain else { return false }
        // Most scalars are sizes and names: rule them out by their first byte.
        switch event.text.first {
        case nil: return true
        case UInt8(ascii: "~"), UInt8(ascii: "n"), UInt8(ascii: "N"):
            switch event.value {
            case "~", "null", "Null", "NULL": return true
            default: return false
            }
        default: return false
        }
    }

    /// What a node is, for "must be a size, not a list".
    func describe(_ event: YAMLEvent) -> String {
        switch event.kind {
        case .mappingStart: return "a mapping"
        case .sequenceStart: return "a list"
        case .scalar:
            if isNull(event) { return "null (no value)" }
            if event.style.isQuoted || event.tag == .str { return "a string" }
            switch event.value {
            case "true", "false": return "a boolean"
            default:
                return event.value.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") })
                    ? "a number" : "a string"
            }
        default: return "nothing"
        }
    }
}

/// Scalar texts the decoder recognises besides keys, compared as bytes.
enum Literal {
    static let `true`: YAMLText = "true"
    static let `false`: YAMLText = "false"
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
