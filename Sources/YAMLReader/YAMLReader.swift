import CYAML

/// A pull reader of located YAML events over Debian's libyaml.
///
/// The reader is a thin layer over libyaml's event loop, not a tree builder: a
/// 150,000-job spec would need several times its own size as nodes, and the
/// consumer (a decoder with a fixed schema) never needs to look back. On top of
/// libyaml it:
///
/// - converts libyaml's 0-based marks to 1-based line and column;
/// - replays aliases (counting every replayed event against
///   ``YAMLLimits/maxAliasExpansion``) and resolves `<<` merge keys, emitting
///   merged entries at the end of the mapping, after its own keys, skipping the
///   keys the mapping already has (so explicit keys win wherever they stand);
/// - bounds nesting on every start event, rejects duplicate keys (a hash check, so
///   linear), non-scalar keys, a second document, tags outside the YAML core
///   schema, input that is not UTF-8 and input over a size limit;
/// - treats empty input as an empty document (libyaml asserts on it);
/// - stops at the first error and keeps returning it (libyaml returns "no event"
///   forever after an error), and frees the parser and every event on every path.
///
/// Anchored nodes are recorded (only while an anchor is open) so that aliases
/// can replay them; nothing else is kept.
public final class YAMLReader {
    // All state lives in one struct so that each call pays one exclusivity check
    // on the class, not one per property access in the hot loop.
    private var core: ReaderCore
    private var parserReady = false
    /// What libyaml reads from; kept alive as long as the parser.
    private let source: InputSource

    /// Creates a reader over `bytes` (an array is shared, not copied). Nothing is
    /// parsed until ``next()``.
    public init(bytes: some Collection<UInt8>, limits: YAMLLimits = .default) {
        let parser = UnsafeMutablePointer<yaml_parser_t>.allocate(capacity: 1)
        let input = (bytes as? [UInt8]) ?? Array(bytes)
        let count = input.count
        source = InputSource(input)
        core = ReaderCore(parser: parser, input: input, inputCount: count, limits: limits)

        if count > limits.maxInputBytes {
            core.failure = YAMLError(
                .inputTooLarge,
                "the input is \(count) bytes, more than the limit of \(limits.maxInputBytes) bytes",
                at: YAMLMark(line: 1, column: 1))
        } else if count >= 2
            && ((input[0] == 0xFE && input[1] == 0xFF) || (input[0] == 0xFF && input[1] == 0xFE))
        {
            core.failure = YAMLError(
                .encoding, "the input is UTF-16; only UTF-8 is read",
                at: YAMLMark(line: 1, column: 1), hint: "save the file as UTF-8")
        } else if count == 0 {
            // libyaml asserts on an empty input string: an empty input is an empty document.
            core.ended = true
        } else if yaml_parser_initialize(parser) != 1 {
            core.failure = YAMLError(
                .syntax, "libyaml could not allocate a parser", at: YAMLMark(line: 1, column: 1))
        } else {
            parserReady = true
            // libyaml pulls the input in chunks through this handler, straight from
            // the caller's bytes: no second copy of a spec that may be 100 MB.
            yaml_parser_set_input(
                parser,
                { data, buffer, size, sizeRead in
                    guard let data, let buffer, let sizeRead else { return 0 }
                    let source = Unmanaged<InputSource>.fromOpaque(data).takeUnretainedValue()
                    sizeRead.pointee = source.read(into: buffer, size: size)
                    return 1
                }, Unmanaged.passUnretained(source).toOpaque())
        }
    }

    deinit {
        if parserReady { yaml_parser_delete(core.parser) }
        core.parser.deallocate()
    }

    /// The next event of the document. After the last node this returns
    /// ``YAMLEvent/Kind/documentEnd``, and keeps returning it.
    public func next() throws(YAMLError) -> YAMLEvent {
        try core.next()
    }

    /// Skips the rest of a node whose first event, `first`, was just read.
    /// Iterative, so no input can make it recurse.
    public func skip(after first: YAMLEvent) throws(YAMLError) {
        try core.skip(after: first)
    }
}

/// The bytes libyaml reads, handed out in the chunks it asks for.
final class InputSource {
    let bytes: [UInt8]
    private var offset = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    /// Copies up to `size` bytes into `buffer`; returns how many (0 at the end).
    func read(into buffer: UnsafeMutablePointer<UInt8>, size: Int) -> Int {
        let n = min(size, bytes.count - offset)
        guard n > 0 else { return 0 }
        bytes.withUnsafeBufferPointer { all in
            guard let base = all.baseAddress else { return }
            buffer.update(from: base + offset, count: n)
        }
        offset += n
        return n
    }
}

/// The reader's state and logic (see ``YAMLReader``).
struct ReaderCore {
    let parser: UnsafeMutablePointer<yaml_parser_t>
    let input: [UInt8]
    let inputCount: Int
    let limits: YAMLLimits

    var failure: YAMLError?
    var ended = false
    var documents = 0

    // Events ready for the consumer.
    var pending: [YAMLEvent] = []
    var pendingHead = 0

    // Open collections of the output, innermost last.
    var frames = FrameStack()
    var depth = 0

    // Aliases being replayed, innermost last.
    var replays: [(events: [YAMLEvent], next: Int)] = []
    var aliasExpanded = 0

    // Anchors: the events of each anchored node.
    var anchors: [String: [YAMLEvent]] = [:]
    var openAnchors: [OpenAnchor] = []

    /// An anchored node being recorded. It records only the events emitted at the
    /// capture level it was opened at: the inline mapping under a `<<` key is
    /// captured and emitted again, merged, at the end of its mapping, and must be
    /// recorded once, as merged.
    struct OpenAnchor {
        var name: String
        var events: [YAMLEvent] = []
        var depth: Int
        var captureLevel: Int
    }

    // Inline mappings under a `<<` key, collected instead of emitted.
    var captures: [Capture] = []

    mutating func next() throws(YAMLError) -> YAMLEvent {
        if let failure { throw failure }
        if pendingHead < pending.count {
            let event = pending[pendingHead]
            pendingHead += 1
            return event
        }
        do {
            pending.removeAll(keepingCapacity: true)
            pendingHead = 0
            while true {
                if ended { return YAMLEvent(kind: .documentEnd, mark: endMark) }
                try produce()
                // Most steps emit exactly one event: it skips the queue.
                if let event = direct {
                    direct = nil
                    return event
                }
                if pendingHead < pending.count {
                    let event = pending[pendingHead]
                    pendingHead += 1
                    return event
                }
            }
        } catch {
            failure = error
            throw error
        }
    }

    /// The first event a step emitted, when the queue was empty: handed straight
    /// to the consumer. Later events of the same step wait in `pending`.
    var direct: YAMLEvent?

    mutating func skip(after first: YAMLEvent) throws(YAMLError) {
        guard first.kind == .mappingStart || first.kind == .sequenceStart else { return }
        var open = 1
        while open > 0 {
            switch try next().kind {
            case .mappingStart, .sequenceStart: open += 1
            case .mappingEnd, .sequenceEnd: open -= 1
            case .documentEnd: return
            case .scalar: break
            }
        }
    }

    var endMark = YAMLMark(line: 1, column: 1)

    // MARK: - Producing events

    enum Raw {
        case node(YAMLEvent, anchor: String?)
        case alias(String, YAMLMark)
        case end
    }

    mutating func produce() throws(YAMLError) {
        let raw: Raw
        if let top = replays.last {
            let event = top.events[top.next]
            if top.next + 1 == top.events.count {
                replays.removeLast()
            } else {
                replays[replays.count - 1].next += 1
            }
            raw = .node(event, anchor: nil)
        } else {
            raw = try pullLibyaml()
        }
        switch raw {
        case .end:
            ended = true
        case .alias(let name, let mark):
            try alias(name, at: mark)
        case .node(let event, let anchor):
            try process(event, anchor: anchor)
        }
    }

    mutating func pullLibyaml() throws(YAMLError) -> Raw {
        while true {
            var event = yaml_event_t()
            guard yaml_parser_parse(parser, &event) == 1 else { throw libyamlError() }
            defer { yaml_event_delete(&event) }
            let mark = YAMLMark(
                line: Int(event.start_mark.line) + 1, column: Int(event.start_mark.column) + 1)
            switch event.type {
            case YAML_STREAM_START_EVENT, YAML_DOCUMENT_END_EVENT:
                continue
            case YAML_DOCUMENT_START_EVENT:
                documents += 1
                if documents > 1 {
                    throw YAMLError(
                        .multipleDocuments, "the input holds more than one YAML document", at: mark,
                        hint: "a spec is one document; remove the second '---' and what follows")
                }
                continue
            case YAML_STREAM_END_EVENT:
                endMark = mark
                return .end
            case YAML_ALIAS_EVENT:
                return .alias(string(event.data.alias.anchor), mark)
            case YAML_SCALAR_EVENT:
                let s = event.data.scalar
                let style: YAMLScalarStyle =
                    switch s.style {
                    case YAML_SINGLE_QUOTED_SCALAR_STYLE: .singleQuoted
                    case YAML_DOUBLE_QUOTED_SCALAR_STYLE: .doubleQuoted
                    case YAML_LITERAL_SCALAR_STYLE: .literal
                    case YAML_FOLDED_SCALAR_STYLE: .folded
                    default: .plain
                    }
                let value = String(
                    decoding: UnsafeBufferPointer(start: s.value, count: s.length), as: UTF8.self)
                return .node(
                    YAMLEvent(
                        kind: .scalar, mark: mark, value: value, style: style,
                        tag: try tag(s.tag, at: mark)),
                    anchor: s.anchor.map { string($0) })
            case YAML_SEQUENCE_START_EVENT:
                let s = event.data.sequence_start
                return .node(
                    YAMLEvent(kind: .sequenceStart, mark: mark, tag: try tag(s.tag, at: mark)),
                    anchor: s.anchor.map { string($0) })
            case YAML_MAPPING_START_EVENT:
                let s = event.data.mapping_start
                return .node(
                    YAMLEvent(kind: .mappingStart, mark: mark, tag: try tag(s.tag, at: mark)),
                    anchor: s.anchor.map { string($0) })
            case YAML_SEQUENCE_END_EVENT:
                return .node(YAMLEvent(kind: .sequenceEnd, mark: mark), anchor: nil)
            case YAML_MAPPING_END_EVENT:
                return .node(YAMLEvent(kind: .mappingEnd, mark: mark), anchor: nil)
            default:
                continue
            }
        }
    }

    func string(_ pointer: UnsafeMutablePointer<yaml_char_t>) -> String {
        String(cString: UnsafeRawPointer(pointer).assumingMemoryBound(to: CChar.self))
    }

    static let corePrefix = "tag:yaml.org,2002:"

    func tag(_ pointer: UnsafeMutablePointer<yaml_char_t>?, at mark: YAMLMark)
        throws(YAMLError) -> YAMLTag?
    {
        guard let pointer else { return nil }
        let name = string(pointer)
        if name == "!" { return nil }
        if name.hasPrefix(Self.corePrefix) {
            switch name.dropFirst(Self.corePrefix.count) {
            case "str": return .str
            case "int": return .int
            case "float": return .float
            case "bool": return .bool
            case "null": return .null
            case "map": return .map
            case "seq": return .seq
            default: break
            }
        }
        let shown =
            name.hasPrefix(Self.corePrefix) ? "!!" + name.dropFirst(Self.corePrefix.count) : name
        throw YAMLError(
            .unsupportedTag, "tag '\(shown)' is not supported", at: mark,
            hint: "a spec holds plain data; remove the tag")
    }

    func libyamlError() -> YAMLError {
        let p = parser.pointee
        let problem = p.problem.map { String(cString: $0) } ?? "unknown error"
        switch p.error {
        case YAML_READER_ERROR:
            // libyaml points at the offending octet; point at the start of its sequence.
            var offset = min(Int(p.problem_offset), inputCount)
            if problem.contains("trailing") {
                while offset > 0 && input[offset - 1] & 0xC0 == 0x80 { offset -= 1 }
                if offset > 0 && input[offset - 1] >= 0xC0 { offset -= 1 }
            }
            let mark = markOfByte(offset)
            let message =
                problem.contains("UTF-8") || problem.contains("octet")
                ? "the input is not valid UTF-8 (\(problem))"
                : "the input holds characters YAML does not allow (\(problem))"
            return YAMLError(.encoding, message, at: mark)
        case YAML_MEMORY_ERROR:
            return YAMLError(.syntax, "libyaml ran out of memory", at: markOfByte(0))
        default:
            let mark = YAMLMark(
                line: Int(p.problem_mark.line) + 1, column: Int(p.problem_mark.column) + 1)
            let context = p.context.map { String(cString: $0) }
            var message = context.map { "\(problem) \($0)" } ?? problem
            if message.hasSuffix(".") { message.removeLast() }
            let hint =
                byte(atLine: mark.line, column: mark.column) == UInt8(ascii: "\t")
                ? "YAML does not allow tabs for indentation; indent with spaces" : nil
            return YAMLError(.syntax, message, at: mark, hint: hint)
        }
    }

    /// The 1-based mark of a byte offset: lines end at LF, columns count scalars.
    func markOfByte(_ offset: Int) -> YAMLMark {
        var line = 1
        var column = 1
        // A byte order mark is not a character of the first line.
        var i = inputCount >= 3 && input[0] == 0xEF && input[1] == 0xBB && input[2] == 0xBF ? 3 : 0
        let end = min(offset, inputCount)
        while i < end {
            let b = input[i]
            if b == 0x0A {
                line += 1
                column = 1
            } else if b & 0xC0 != 0x80 {
                column += 1
            }
            i += 1
        }
        return YAMLMark(line: line, column: column)
    }

    func byte(atLine line: Int, column: Int) -> UInt8? {
        var i = inputCount >= 3 && input[0] == 0xEF && input[1] == 0xBB && input[2] == 0xBF ? 3 : 0
        var l = 1
        while l < line && i < inputCount {
            if input[i] == 0x0A { l += 1 }
            i += 1
        }
        var c = 1
        while c < column && i < inputCount {
            i += 1
            while i < inputCount && input[i] & 0xC0 == 0x80 { i += 1 }
            c += 1
        }
        return i < inputCount ? input[i] : nil
    }

    // MARK: - Structure: keys, merges, aliases

    struct Frame {
        enum Kind { case sequence, mapping, mergeList }
        var kind: Kind
        var expectingKey = true
        var mergeValueNext = false
        var keys = KeySet()
        var merges: [[YAMLEvent]] = []
        /// Set on the root mapping of an inline `<<` value: its events are captured.
        var capturesMerge = false
        init(_ kind: Kind) { self.kind = kind }

        /// Makes a used frame new again, keeping its key storage.
        mutating func reset(_ kind: Kind, capturesMerge: Bool) {
            self.kind = kind
            expectingKey = true
            mergeValueNext = false
            keys.removeAll()
            if !merges.isEmpty { merges = [] }
            self.capturesMerge = capturesMerge
        }
    }

    /// The open collections, innermost last. Popped frames stay in storage and are
    /// reused, so a document of many small mappings allocates key storage once
    /// per depth, not once per mapping.
    struct FrameStack {
        private var storage: [Frame] = []
        private(set) var count = 0

        var topIndex: Int? { count > 0 ? count - 1 : nil }

        subscript(index: Int) -> Frame {
            get { storage[index] }
            _modify { yield &storage[index] }
        }

        mutating func push(_ kind: Frame.Kind, capturesMerge: Bool = false) {
            if count < storage.count {
                storage[count].reset(kind, capturesMerge: capturesMerge)
            } else {
                var frame = Frame(kind)
                frame.capturesMerge = capturesMerge
                storage.append(frame)
            }
            count += 1
        }

        /// Pops the innermost frame. Its keys and merges are moved out only when it
        /// has merges to emit, so its storage stays unique for reuse otherwise.
        mutating func pop() -> (kind: Frame.Kind, capturesMerge: Bool, merges: [[YAMLEvent]], keys: KeySet) {
            count -= 1
            let kind = storage[count].kind
            let captures = storage[count].capturesMerge
            guard !storage[count].merges.isEmpty else { return (kind, captures, [], KeySet()) }
            let merges = storage[count].merges
            storage[count].merges = []
            let keys = storage[count].keys
            storage[count].keys = KeySet()
            return (kind, captures, merges, keys)
        }
    }

    struct Capture {
        var events: [YAMLEvent] = []
        /// Index in `frames` of the mapping whose `<<` this value belongs to.
        var target: Int
    }

    mutating func process(_ event: YAMLEvent, anchor: String?) throws(YAMLError) {
        switch event.kind {
        case .mappingEnd:
            let frame = frames.pop()
            if !frame.merges.isEmpty { try emitMerges(frame.merges, keys: frame.keys) }
            try emit(event)
            if frame.capturesMerge {
                let capture = captures.removeLast()
                frames[capture.target].merges.append(capture.events)
            }
            return
        case .sequenceEnd:
            let frame = frames.pop()
            if frame.kind != .mergeList { try emit(event) }
            return
        case .documentEnd:
            return
        case .scalar, .sequenceStart, .mappingStart:
            break
        }

        if let top = frames.topIndex {
            switch frames[top].kind {
            case .mapping where frames[top].expectingKey:
                guard event.kind == .scalar else {
                    throw YAMLError(
                        .complexKey, "a mapping key must be a scalar", at: event.mark,
                        hint: "write the key as plain text")
                }
                frames[top].expectingKey = false
                if event.style == .plain && event.tag == nil && event.value == "<<" && anchor == nil {
                    frames[top].mergeValueNext = true
                    return
                }
                if let first = frames[top].keys.insert(event.value, at: event.mark) {
                    throw YAMLError(
                        .duplicateKey, "duplicate key '\(event.value)'", at: event.mark,
                        hint: "a key may appear once in a mapping; remove one of them",
                        related: first)
                }
                try emit(event, anchor: anchor)
                return
            case .mapping where frames[top].mergeValueNext:
                frames[top].mergeValueNext = false
                frames[top].expectingKey = true
                try mergeValue(event, anchor: anchor, target: top)
                return
            case .mapping:
                frames[top].expectingKey = true
            case .mergeList:
                try mergeValue(event, anchor: anchor, target: top - 1)
                return
            case .sequence:
                break
            }
        }
        try emit(event, anchor: anchor)
        if event.kind != .scalar {
            frames.push(event.kind == .mappingStart ? .mapping : .sequence)
        }
    }

    /// The value of a `<<` key (or one item of a list under it).
    mutating func mergeValue(_ event: YAMLEvent, anchor: String?, target: Int) throws(YAMLError) {
        let inList = frames[frames.count - 1].kind == .mergeList
        switch event.kind {
        case .mappingStart:
            captures.append(Capture(target: target))
            try emit(event, anchor: anchor)
            frames.push(.mapping, capturesMerge: true)
        case .sequenceStart where !inList:
            try checkDepth(at: event.mark, adding: frames.count + 1)
            frames.push(.mergeList)
        default:
            throw invalidMerge(at: event.mark)
        }
    }

    func invalidMerge(at mark: YAMLMark) -> YAMLError {
        YAMLError(
            .invalidMerge, "the value of a '<<' merge key must be a mapping or a list of mappings",
            at: mark, hint: "write '<<: *name' where '&name' marks a mapping")
    }

    mutating func alias(_ name: String, at mark: YAMLMark) throws(YAMLError) {
        guard let recorded = anchors[name], let first = recorded.first else {
            throw YAMLError(
                .undefinedAlias, "alias '*\(name)' names no anchor defined before it", at: mark,
                hint: "define '&\(name)' on a node above this line")
        }
        aliasExpanded += recorded.count
        let budget = max(limits.maxAliasExpansion, inputCount)
        if aliasExpanded > budget {
            throw YAMLError(
                .aliasBudget, "aliases expand to more than \(budget) nodes", at: mark)
        }
        if let top = frames.topIndex {
            let frame = frames[top]
            if frame.kind == .mergeList || (frame.kind == .mapping && frame.mergeValueNext) {
                guard first.kind == .mappingStart else {
                    throw invalidMerge(at: mark)
                }
                if frame.kind == .mapping {
                    frames[top].mergeValueNext = false
                    frames[top].expectingKey = true
                }
                frames[frame.kind == .mergeList ? top - 1 : top].merges.append(recorded)
                return
            }
        }
        replays.append((recorded, 0))
    }

    /// Emits the merged entries whose keys the mapping does not have, first source first.
    mutating func emitMerges(_ merges: [[YAMLEvent]], keys: KeySet) throws(YAMLError) {
        var keys = keys
        for source in merges {
            // source is a whole mapping: start, key, value, ..., end.
            var i = 1
            while i < source.count - 1 {
                let key = source[i]
                var end = i + 2
                if source[i + 1].kind != .scalar {
                    var open = 1
                    while open > 0 {
                        switch source[end].kind {
                        case .mappingStart, .sequenceStart: open += 1
                        case .mappingEnd, .sequenceEnd: open -= 1
                        default: break
                        }
                        end += 1
                    }
                }
                if keys.insert(key.value, at: key.mark) == nil {
                    for j in i..<end { try emit(source[j]) }
                }
                i = end
            }
        }
    }

    func checkDepth(at mark: YAMLMark, adding newDepth: Int) throws(YAMLError) {
        if newDepth > limits.maxDepth {
            throw YAMLError(
                .tooDeep, "collections nest deeper than \(limits.maxDepth) levels", at: mark)
        }
    }

    mutating func emit(_ event: YAMLEvent, anchor: String? = nil) throws(YAMLError) {
        switch event.kind {
        case .mappingStart, .sequenceStart:
            depth += 1
            try checkDepth(at: event.mark, adding: depth)
        case .mappingEnd, .sequenceEnd:
            depth -= 1
        default:
            break
        }
        if let anchor {
            openAnchors.append(OpenAnchor(name: anchor, depth: depth, captureLevel: captures.count))
        }
        if !openAnchors.isEmpty {
            for i in openAnchors.indices where openAnchors[i].captureLevel == captures.count {
                openAnchors[i].events.append(event)
            }
            // Close every anchor whose node just ended (a scalar ends where it starts).
            while let open = openAnchors.last,
                event.kind == .scalar && open.depth == depth && open.events.count == 1
                    || (event.kind == .mappingEnd || event.kind == .sequenceEnd)
                        && open.depth == depth + 1
            {
                anchors[open.name] = open.events
                openAnchors.removeLast()
            }
        }
        if captures.isEmpty {
            if direct == nil && pendingHead == pending.count {
                direct = event
            } else {
                pending.append(event)
            }
        } else {
            captures[captures.count - 1].events.append(event)
        }
    }
}

/// The keys of one mapping: a short array scanned linearly, then a dictionary once
/// the mapping grows, so checking every key of a document stays linear.
struct KeySet {
    private var small: [(String, YAMLMark)] = []
    private var large: [String: YAMLMark]? = nil

    /// Empties the set, keeping its storage.
    mutating func removeAll() {
        small.removeAll(keepingCapacity: true)
        large = nil
    }

    /// Inserts `key`; returns where it was first seen when it is already present.
    mutating func insert(_ key: String, at mark: YAMLMark) -> YAMLMark? {
        if large != nil {
            if let first = large?[key] { return first }
            large?[key] = mark
            return nil
        }
        for (k, m) in small where k == key { return m }
        small.append((key, mark))
        if small.count > 16 {
            large = Dictionary(small, uniquingKeysWith: { a, _ in a })
            small = []
        }
        return nil
    }
}
