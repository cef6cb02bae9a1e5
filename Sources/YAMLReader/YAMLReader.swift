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
        core.pointee.frames.release()
        core.deinitialize(count: 1)
        core.deallocate()
    }

    /// The next event of the document. After the last node this returns
    /// ``YAMLEvent/Kind/documentEnd``, and keeps returning it.
    public func next() throws(YAMLError) -> YAMLEvent {
        let token = try core.pointee.next()
        var event = YAMLEvent(
            kind: token.kind, mark: token.mark, text: core.pointee.text(of: token), style: token.style, tag: token.tag)
        event.use = token.use
        return event
    }

    /// Skips the rest of a node whose first event, `first`, was just read.
    /// Iterative, so no input can make it recurse.
    public func skip(after first: YAMLEvent) throws(YAMLError) {
        try core.pointee.skip(after: first.kind)
    }

    /// The next event of the document, as a token (see ``YAMLToken``): what
    /// ``next()`` returns, without making its text a ``YAMLText``.
    package func nextToken() throws(YAMLError) -> YAMLToken {
        try core.pointee.next()
    }

    /// ``skip(after:)`` for a node whose first token, `first`, was just read.
    package func skip(afterToken first: YAMLToken) throws(YAMLError) {
        try core.pointee.skip(after: first.kind)
    }

    /// The text of a token this reader made.
    package func text(of token: YAMLToken) -> YAMLText {
        core.pointee.text(of: token)
    }

    /// The text of a token this reader made, as a `String`.
    package func string(of token: YAMLToken) -> String {
        withBytes(of: token) { String(decoding: $0, as: UTF8.self) }
    }

    /// Calls `body` with the bytes of a token this reader made, valid only during the call.
    package func withBytes<R>(of token: YAMLToken, _ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
        if token.textCount != YAMLToken.outOfLine {
            var words = (token.low.littleEndian, token.high.littleEndian)
            let count = Int(token.textCount)
            return try withUnsafeBytes(of: &words) { raw in
                try body(UnsafeBufferPointer(start: raw.bindMemory(to: UInt8.self).baseAddress, count: count))
            }
        }
        return try core.pointee.longTexts.withUnsafeBufferPointer { all in
            let start = Int(token.low)
            let count = Int(token.high)
            guard start >= 0, count >= 0, start + count <= all.count else {
                return try body(UnsafeBufferPointer(start: nil, count: 0))
            }
            return try body(UnsafeBufferPointer(rebasing: all[start..<(start + count)]))
        }
    }
}

/// The reader's state and logic (see ``YAMLReader``).
struct ReaderCore {
    let limits: YAMLLimits

    var failure: YAMLError? {
        didSet { if failure != nil { fastEnd = 0 } }
    }
    var ended = false

    /// Where libyaml's events come from; `nil` when there is nothing to parse.
    var source: EventSource?
    var batch = EventBatch()
    var batchIndex = 0

    init(limits: YAMLLimits) {
        self.limits = limits
    }

    /// The bytes of every text longer than 16 bytes read so far, one after
    /// another: tokens refer to them by range, and may be kept (as anchors,
    /// merges and a decoder's keys are) as long as the reader lives. At most
    /// the input's scalars' bytes (an escape such as `\L` makes three bytes
    /// of two characters, so at most 1.5 times the input).
    var longTexts: [UInt8] = []

    // Events ready for the consumer.
    var pending: [YAMLToken] = []
    var pendingHead = 0

    // Open collections of the output, innermost last.
    var frames = FrameStack()
    var depth = 0

    // Aliases being replayed, innermost last.
    var replays: [(events: [YAMLToken], next: Int, use: YAMLMark)] = []
    var aliasExpanded = 0
    /// Nodes written in the input so far (scalars, collections and aliases as
    /// libyaml parses them; comments and blank space count nothing): the alias
    /// budget grows with these, not with the input's bytes.
    var nodesWritten = 0

    // Anchors: the events of each anchored node.
    var anchors: [String: [YAMLToken]] = [:]
    var openAnchors: [OpenAnchor] = []

    /// An anchored node being recorded. It records only the events emitted at the
    /// capture level it was opened at: the inline mapping under a `<<` key is
    /// captured and emitted again, merged, at the end of its mapping, and must be
    /// recorded once, as merged.
    struct OpenAnchor {
        var name: String
        var events: [YAMLToken] = []
        var depth: Int
        var captureLevel: Int
    }

    // Inline mappings under a `<<` key, collected instead of emitted.
    var captures: [Capture] = []

    /// The next event. Nearly every event of a spec needs nothing of the
    /// reader but the checks every node gets (no anchor, alias or merge
    /// nearby, nothing queued): it is checked and returned here, straight
    /// from the batch; anything else takes ``nextInGeneral()``.
    @inline(__always)
    mutating func next() throws(YAMLError) -> YAMLToken {
        if batchIndex < fastEnd {
            let raw = batch.events[batchIndex]
            if raw.isPlain {
                var token = raw.token
                do throws(YAMLError) {
                    if try pass(&token) {
                        batchIndex += 1
                        switch token.kind {
                        case .scalar, .mappingStart, .sequenceStart: nodesWritten += 1
                        default: break
                        }
                        return token
                    }
                } catch {
                    failure = error
                    throw error
                }
            }
        }
        return try nextInGeneral()
    }

    /// How far into the batch the fast path of ``next()`` may read: the
    /// batch's end while the general path holds nothing (no queued event,
    /// replay, capture, open anchor, failure or end), else 0. Set after every
    /// step of the general path, and to 0 by a failure: one compare per event
    /// instead of seven.
    var fastEnd = 0

    /// ``next()`` for any event: queued, replayed, recorded, merged or plain.
    mutating func nextInGeneral() throws(YAMLError) -> YAMLToken {
        defer {
            let idle = pendingHead == pending.count && replays.isEmpty && captures.isEmpty && openAnchors.isEmpty
                && failure == nil && !ended
            fastEnd = idle ? batch.events.count : 0
        }
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
                if ended { return YAMLToken(.documentEnd, mark: endMark) }
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
    var direct: YAMLToken?

    mutating func skip(after first: YAMLEvent.Kind) throws(YAMLError) {
        guard first == .mappingStart || first == .sequenceStart else { return }
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

    /// The text of a token.
    func text(of token: YAMLToken) -> YAMLText {
        YAMLText(token: token, longTexts: longTexts)
    }

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
    mutating func pullAndPass() throws(YAMLError) -> YAMLToken? {
        while batchIndex == batch.events.count {
            if let failure = batch.failure { throw failure }
            guard let source else { throw YAMLError(.syntax, "the input has no events", at: endMark) }
            batch = source.nextBatch()
            batchIndex = 0
        }
        let raw = batch.events[batchIndex]
        batchIndex += 1
        if raw.isAlias {
            nodesWritten += 1
            try alias(arenaString(raw.anchorStart, raw.anchorCount), at: raw.token.mark)
            return nil
        }
        if raw.isEnd {
            endMark = raw.token.mark
            ended = true
            return nil
        }
        var event = raw.token
        if event.startsNode { nodesWritten += 1 }
        if event.textCount == YAMLToken.outOfLine {
            // Kept with the reader: the batch's arena goes with the batch.
            let start = Int(event.low)
            let count = Int(event.high)
            event.low = UInt64(longTexts.count)
            if start >= 0, count >= 0, start + count <= batch.arena.count {
                longTexts.append(contentsOf: batch.arena[start..<(start + count)])
            }
            event.high = UInt64(longTexts.count) - event.low
        }
        if raw.anchorCount == 0 && captures.isEmpty && openAnchors.isEmpty, try pass(&event) {
            return event
        }
        try process(event, anchor: raw.anchorCount == 0 ? nil : arenaString(raw.anchorStart, raw.anchorCount))
        return nil
    }

    /// The text at `start..<start + count` of the current batch's arena.
    func arenaString(_ start: Int, _ count: Int) -> String {
        guard start >= 0, count >= 0, start + count <= batch.arena.count else { return "" }
        return String(decoding: batch.arena[start..<(start + count)], as: UTF8.self)
    }

    /// `true` when `event`, unanchored, needs nothing but the checks every
    /// node gets (a key's uniqueness, the nesting depth), which are made (and
    /// a missing value placed at its key); `false`, with `event` and the
    /// reader unchanged, when it needs the general path: a merge key or what
    /// belongs to one, a mapping with merges to emit, a key that is not a scalar.
    @inline(__always)
    mutating func pass(_ event: inout YAMLToken) throws(YAMLError) -> Bool {
        switch event.kind {
        case .mappingEnd, .sequenceEnd:
            guard let top = frames.top, !top.pointee.hasMerges, top.pointee.kind != .mergeList,
                !top.pointee.capturesMerge
            else { return false }
            frames.pop()
            depth -= 1
            return true
        case .scalar, .mappingStart, .sequenceStart:
            if let top = frames.top {
                guard top.pointee.kind != .mergeList, !top.pointee.mergeValueNext else { return false }
                if top.pointee.kind == .mapping {
                    if top.pointee.expectingKey {
                        guard event.kind == .scalar, !Self.isMergeKey(event) else { return false }
                        try insertKey(event)
                        top.pointee.expectingKey = false
                        top.pointee.keyMark = event.mark
                        return true
                    }
                    top.pointee.expectingKey = true
                    if Self.isMissingValue(event, key: top.pointee.keyMark) {
                        event.mark = top.pointee.keyMark
                        return true
                    }
                }
            }
            if event.kind != .scalar {
                depth += 1
                try Self.checkDepth(at: event.mark, adding: depth, limit: limits.maxDepth)
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
    @inline(__always)
    static func isMissingValue(_ event: YAMLToken, key: YAMLMark) -> Bool {
        event.kind == .scalar && event.isEmpty && event.mark.line > key.line && event.style == .plain
            && event.tag == nil
    }

    /// `<<` written plain and untagged: a merge key.
    @inline(__always)
    static func isMergeKey(_ event: YAMLToken) -> Bool {
        event.hasText(mergeKey) && event.style == .plain && event.tag == nil
    }

    static let mergeKey = YAMLText.InlineWords(low: 0x3C3C, high: 0, count: 2)

    /// Records a key of the innermost mapping; a key already there is an error.
    @inline(__always)
    mutating func insertKey(_ key: YAMLToken) throws(YAMLError) {
        if let first = frames.insertKey(key, longTexts: longTexts) {
            throw YAMLError(
                .duplicateKey, "duplicate key '\(text(of: key).string)'", at: key.mark,
                hint: "a key may appear once in a mapping; remove one of them",
                related: first)
        }
    }
}
