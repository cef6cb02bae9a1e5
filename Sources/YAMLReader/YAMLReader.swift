/// A pull reader of located YAML events over Debian's libyaml.
///
/// The reader is a thin layer over libyaml's event loop, not a tree builder: a
/// 150,000-job spec would need several times its own size as nodes, and the
/// consumer (a decoder with a fixed schema) never needs to look back. On top of
/// libyaml it:
///
/// - converts libyaml's 0-based marks to 1-based line and column;
/// - replays aliases (counting every replayed event against
///   ``YAMLLimits/aliasBudget(nodesWritten:)``, which grows with the nodes
///   written so far) and resolves `<<` merge keys, emitting
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
    // All state lives in one struct behind a pointer the reader owns: a stored
    // property of a class would cost a dynamic exclusivity check on every call.
    private let core: UnsafeMutablePointer<ReaderCore>

    /// Creates a reader over `bytes` (an array is shared, not copied). Nothing is
    /// parsed until ``next()``.
    public convenience init(bytes: some Collection<UInt8>, limits: YAMLLimits = .default) {
        self.init(bytes: bytes, limits: limits, threadThreshold: EventSource.threadThreshold)
    }

    /// `threadThreshold`: the input size from which libyaml runs on a thread of its
    /// own (see ``EventSource``); tests lower it to run both ways on any input.
    init(bytes: some Collection<UInt8>, limits: YAMLLimits, threadThreshold: Int) {
        let input = (bytes as? [UInt8]) ?? Array(bytes)
        let count = input.count
        var core = ReaderCore(limits: limits)
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
        } else {
            do throws(YAMLError) {
                core.source = try EventSource(
                    input, maxDepth: limits.maxDepth, threaded: count >= threadThreshold)
            } catch {
                core.failure = error
            }
        }
        self.core = .allocate(capacity: 1)
        self.core.initialize(to: core)
    }

    deinit {
        core.deinitialize(count: 1)
        core.deallocate()
    }

    /// The next event of the document. After the last node this returns
    /// ``YAMLEvent/Kind/documentEnd``, and keeps returning it.
    public func next() throws(YAMLError) -> YAMLEvent {
        try core.pointee.next()
    }

    /// Skips the rest of a node whose first event, `first`, was just read.
    /// Iterative, so no input can make it recurse.
    public func skip(after first: YAMLEvent) throws(YAMLError) {
        try core.pointee.skip(after: first)
    }
}

/// The reader's state and logic (see ``YAMLReader``).
struct ReaderCore {
    let limits: YAMLLimits

    var failure: YAMLError?
    var ended = false

    /// Where libyaml's events come from; `nil` when there is nothing to parse.
    var source: EventSource?
    var batch = EventBatch()
    var batchIndex = 0

    init(limits: YAMLLimits) {
        self.limits = limits
    }

    // Events ready for the consumer.
    var pending: [YAMLEvent] = []
    var pendingHead = 0

    // Open collections of the output, innermost last.
    var frames = FrameStack()
    var depth = 0

    // Aliases being replayed, innermost last.
    var replays: [(events: [YAMLEvent], next: Int, use: YAMLMark)] = []
    var aliasExpanded = 0
    /// Nodes written in the input so far (scalars, collections and aliases as
    /// libyaml parses them; comments and blank space count nothing): the alias
    /// budget grows with these, not with the input's bytes.
    var nodesWritten = 0

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
            if !pending.isEmpty {
                pending.removeAll(keepingCapacity: true)
                pendingHead = 0
            }
            while true {
                if ended { return YAMLEvent(kind: .documentEnd, mark: endMark) }
                if replays.isEmpty && captures.isEmpty && openAnchors.isEmpty {
                    if let event = try pullAndPass() { return event }
                } else {
                    try produce()
                }
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

    /// One step of the general path: the next event of the alias being replayed,
    /// or of libyaml.
    mutating func produce() throws(YAMLError) {
        guard let top = replays.last else {
            // With a capture or an anchor open, every event takes the general path,
            // so nothing comes back here; queued all the same, to keep the order.
            if let event = try pullAndPass() { pending.append(event) }
            return
        }
        var event = top.events[top.next]
        event.use = YAMLUse(.alias, at: top.use)
        if top.next + 1 == top.events.count {
            replays.removeLast()
        } else {
            replays[replays.count - 1].next += 1
        }
        try process(event, anchor: nil)
    }

    /// Reads one node event from the source. An event that needs none of the
    /// reader's bookkeeping (no anchor, alias or merge key nearby: nearly every
    /// event of a spec) is checked and returned at once; any other goes through
    /// ``process(_:anchor:)`` and `nil` is returned, its output waiting in `direct`
    /// and `pending`.
    mutating func pullAndPass() throws(YAMLError) -> YAMLEvent? {
        while batchIndex == batch.events.count {
            if let failure = batch.failure { throw failure }
            guard let source else { throw YAMLError(.syntax, "the input has no events", at: endMark) }
            batch = source.nextBatch()
            batchIndex = 0
        }
        let raw = batch.events[batchIndex]
        batchIndex += 1
        let kind: YAMLEvent.Kind
        switch raw.kind {
        case .scalar, .sequenceStart, .mappingStart, .alias: nodesWritten += 1
        default: break
        }
        switch raw.kind {
        case .end:
            endMark = raw.mark
            ended = true
            return nil
        case .alias:
            try alias(text(raw.anchorStart, raw.anchorCount).string, at: raw.mark)
            return nil
        case .scalar: kind = .scalar
        case .sequenceStart: kind = .sequenceStart
        case .sequenceEnd: kind = .sequenceEnd
        case .mappingStart: kind = .mappingStart
        case .mappingEnd: kind = .mappingEnd
        }
        var event = YAMLEvent(
            kind: kind, mark: raw.mark, text: raw.textCount == 0 ? YAMLText(words: raw.words) : text(raw.textStart, raw.textCount),
            style: raw.style, tag: raw.tag)
        // Checked in place and moved out: a copy of every event shows in a fleet's read.
        if raw.anchorCount == 0 && captures.isEmpty && openAnchors.isEmpty, try pass(&event) {
            return consume event
        }
        try process(event, anchor: raw.anchorCount == 0 ? nil : text(raw.anchorStart, raw.anchorCount).string)
        return nil
    }

    /// The text at `start..<start + count` of the current batch's arena.
    func text(_ start: Int, _ count: Int) -> YAMLText {
        batch.arena.withUnsafeBufferPointer { arena in
            guard let base = arena.baseAddress, start >= 0, count >= 0, start + count <= arena.count else {
                return YAMLText()
            }
            return YAMLText(base + start, count: count)
        }
    }

    /// `true` when `event`, unanchored, needs nothing but the checks every
    /// node gets (a key's uniqueness, the nesting depth), which are made (and
    /// a missing value placed at its key); `false`, with `event` unchanged,
    /// when it needs the general path: a merge key or what belongs to one, a
    /// mapping with merges to emit, a key that is not a scalar.
    mutating func pass(_ event: inout YAMLEvent) throws(YAMLError) -> Bool {
        let top = frames.topIndex
        switch event.kind {
        case .mappingEnd, .sequenceEnd:
            guard let top, frames[top].merges.isEmpty, frames[top].kind != .mergeList,
                !frames[top].capturesMerge
            else { return false }
            _ = frames.pop()
            depth -= 1
            return true
        case .scalar, .mappingStart, .sequenceStart:
            if let top {
                guard frames[top].kind != .mergeList, !frames[top].mergeValueNext else { return false }
                if frames[top].kind == .mapping {
                    if frames[top].expectingKey {
                        guard event.kind == .scalar, !isMergeKey(event) else { return false }
                        try insertKey(event, into: top)
                        frames[top].expectingKey = false
                        frames[top].keyMark = event.mark
                        return true
                    }
                    frames[top].expectingKey = true
                    if Self.isMissingValue(event, key: frames[top].keyMark) {
                        event.mark = frames[top].keyMark
                        return true
                    }
                }
            }
            if event.kind != .scalar {
                depth += 1
                try checkDepth(at: event.mark, adding: depth)
                frames.push(event.kind == .mappingStart ? .mapping : .sequence)
            }
            return true
        case .documentEnd:
            return false
        }
    }

    /// A key written `? key` with no value gets an empty value that libyaml
    /// places at the next token, often the next key's line: it is placed at
    /// its key instead, so a problem with the missing value is shown there.
    static func isMissingValue(_ event: YAMLEvent, key: YAMLMark) -> Bool {
        event.kind == .scalar && event.mark.line > key.line && event.text.isEmpty && event.style == .plain
            && event.tag == nil
    }

    /// `<<` written plain and untagged: a merge key.
    func isMergeKey(_ event: YAMLEvent) -> Bool {
        event.style == .plain && event.tag == nil && event.text == Self.mergeKey
    }

    static let mergeKey: YAMLText = "<<"

    /// Records a key of the mapping at `frame`; a key already there is an error.
    mutating func insertKey(_ key: YAMLEvent, into frame: Int) throws(YAMLError) {
        if let first = frames[frame].keys.insert(key.text, at: key.mark) {
            throw YAMLError(
                .duplicateKey, "duplicate key '\(key.value)'", at: key.mark,
                hint: "a key may appear once in a mapping; remove one of them",
                related: first)
        }
    }

    // MARK: - Structure: keys, merges, aliases

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
                if isMergeKey(event) && anchor == nil {
                    frames[top].mergeValueNext = true
                    return
                }
                try insertKey(event, into: top)
                frames[top].keyMark = event.mark
                try emit(event, anchor: anchor)
                return
            case .mapping where frames[top].mergeValueNext:
                frames[top].mergeValueNext = false
                frames[top].expectingKey = true
                try mergeValue(event, anchor: anchor, target: top)
                return
            case .mapping:
                frames[top].expectingKey = true
                if Self.isMissingValue(event, key: frames[top].keyMark) {
                    var placed = event
                    placed.mark = frames[top].keyMark
                    try emit(placed, anchor: anchor)
                    return
                }
                try emit(event, anchor: anchor)
                if event.kind != .scalar {
                    frames.push(event.kind == .mappingStart ? .mapping : .sequence)
                }
                return
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
        // Checked against the nodes written so far: whatever follows cannot
        // justify an expansion that has already happened.
        let budget = limits.aliasBudget(nodesWritten: nodesWritten)
        if aliasExpanded > budget {
            throw YAMLError(
                .aliasBudget,
                "aliases expand to more than \(budget) nodes, the most for \(nodesWritten) nodes written", at: mark,
                hint: "aliases may expand to \(YAMLLimits.aliasRatio) times the nodes written, "
                    + "or \(limits.maxAliasExpansion) nodes when that is more")
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
                // Each merged event remembers the merge, for a note at the use.
                let use = YAMLUse(.merge, at: mark)
                frames[frame.kind == .mergeList ? top - 1 : top].merges.append(
                    recorded.map { event in
                        var event = event
                        event.use = use
                        return event
                    })
                return
            }
        }
        replays.append((recorded, 0, mark))
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
                if keys.insert(key.text, at: key.mark) == nil {
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
