import CYAML

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// One event as libyaml produced it, before the reader's bookkeeping (keys,
/// merges, aliases). Plain data, so that batches of them cross between threads
/// without reference counting: its texts are plain words or ranges of its batch's byte arena.
struct RawEvent {
    /// The event as the reader hands it on: a node event, or
    /// ``YAMLEvent/Kind/documentEnd`` for the end of the stream. A text too
    /// long to be inline is a range of the batch's arena here (the reader
    /// moves it into its own long texts).
    var token: YAMLToken
    /// An alias: the anchor range holds the name it refers to, and `token`
    /// only its mark.
    var isAlias = false
    /// The anchor (or an alias's name) in the arena; `anchorCount` is 0 for none
    /// (an anchor has at least one character).
    var anchorStart: Int = 0
    var anchorCount: Int = 0

    /// A node event with no anchor and an inline text (nearly every event):
    /// one that the reader's fast path may take as it is. Set by ``Producer``.
    var isPlain = false

    /// The end of the stream.
    var isEnd: Bool { token.kind == .documentEnd && !isAlias }
}

/// A run of events and the bytes of their texts; a failure, if the parse ended
/// with one after these events.
struct EventBatch {
    var events: [RawEvent] = []
    var arena: [UInt8] = []
    var failure: YAMLError?
}

/// libyaml's events for one input, converted and handed out in batches.
///
/// libyaml's parse is most of the cost of reading a spec, and everything the
/// reader and the decoder do with an event is independent of how libyaml makes
/// the next one. So on an input of ``threadThreshold`` bytes or more, libyaml
/// runs on a thread of its own, a few batches ahead of the consumer: reading a
/// large spec then takes about as long as the parse alone, on two cores. The
/// queue holds at most ``maxQueued`` batches, so memory stays bounded whatever
/// the input. Smaller inputs are parsed on the caller's thread, one batch at a
/// time, by the same code.
///
/// Either way the events, and the error that may end them, are the same and come
/// in the same order: a batch holds the events before a failure, then the failure.
/// The parse stops at the first error, and at nesting deeper than the limit
/// (before libyaml's flow scanner can slow down on it).
final class EventSource {
    /// Inputs from this size are parsed on a second thread: below it, starting a
    /// thread costs more than the overlap saves.
    static let threadThreshold = 64 << 10
    /// Events per batch: a lock round trip per batch is negligible against them.
    static let batchSize = 512
    /// Batches the parsing thread may run ahead.
    static let maxQueued = 4

    private let channel: BatchChannel
    private var thread: pthread_t?

    /// Starts parsing `input`; `threaded` runs libyaml on a thread of its own
    /// (or on the caller's thread if the system cannot start one).
    init(_ input: [UInt8], maxDepth: Int, threaded: Bool) throws(YAMLError) {
        channel = BatchChannel(try Producer(input, maxDepth: maxDepth))
        if threaded { startThread() }
    }

    deinit {
        guard let thread else { return }
        channel.cancel()
        pthread_join(thread, nil)
    }

    /// The next batch. Not called again after a batch with a failure or the end event.
    func nextBatch() -> EventBatch {
        thread == nil ? channel.produceOne() : channel.receive()
    }

    private func startThread() {
        #if canImport(Glibc)
            var id = pthread_t()
        #else
            var id: pthread_t?
        #endif
        // The thread holds the channel, never this object: this object's deinit,
        // which joins the thread, must never run on the thread itself.
        let context = Unmanaged.passRetained(channel).toOpaque()
        let started = pthread_create(
            &id, nil,
            { context in
                guard let context else { return nil }
                Unmanaged<BatchChannel>.fromOpaque(context).takeRetainedValue().produceAll()
                return nil
            }, context)
        guard started == 0 else {
            Unmanaged<BatchChannel>.fromOpaque(context).release()
            return
        }
        thread = id
    }
}

/// The parser and the queue of batches between libyaml's thread and the reader.
final class BatchChannel: @unchecked Sendable {
    // Only libyaml's thread touches it while that thread runs; only the reader's
    // thread when there is no such thread.
    private let producer: UnsafeMutablePointer<Producer>

    // Shared state, guarded by `lock`.
    private let lock: UnsafeMutablePointer<pthread_mutex_t>
    private let changed: UnsafeMutablePointer<pthread_cond_t>
    private var queue: [EventBatch] = []
    private var cancelled = false

    init(_ producer: Producer) {
        self.producer = .allocate(capacity: 1)
        self.producer.initialize(to: producer)
        lock = .allocate(capacity: 1)
        changed = .allocate(capacity: 1)
        pthread_mutex_init(lock, nil)
        pthread_cond_init(changed, nil)
    }

    deinit {
        producer.pointee.destroy()
        producer.deinitialize(count: 1)
        producer.deallocate()
        pthread_cond_destroy(changed)
        pthread_mutex_destroy(lock)
        changed.deallocate()
        lock.deallocate()
    }

    /// One batch, parsed on the caller's thread.
    func produceOne() -> EventBatch {
        producer.pointee.batch()
    }

    /// libyaml's thread: batches until the end, a failure, or cancellation.
    func produceAll() {
        while true {
            let batch = producer.pointee.batch()
            pthread_mutex_lock(lock)
            while queue.count >= EventSource.maxQueued && !cancelled { pthread_cond_wait(changed, lock) }
            if cancelled {
                pthread_mutex_unlock(lock)
                return
            }
            queue.append(batch)
            pthread_cond_broadcast(changed)
            pthread_mutex_unlock(lock)
            if batch.failure != nil || batch.events.last?.isEnd == true {
                return
            }
        }
    }

    /// The next batch from libyaml's thread, waiting for it if need be.
    func receive() -> EventBatch {
        pthread_mutex_lock(lock)
        while queue.isEmpty { pthread_cond_wait(changed, lock) }
        let batch = queue.removeFirst()
        pthread_cond_broadcast(changed)
        pthread_mutex_unlock(lock)
        return batch
    }

    /// Stops libyaml's thread at its next batch.
    func cancel() {
        pthread_mutex_lock(lock)
        cancelled = true
        pthread_cond_broadcast(changed)
        pthread_mutex_unlock(lock)
    }
}

/// libyaml's parser over one input, and the conversion of its events.
struct Producer {
    let parser: UnsafeMutablePointer<yaml_parser_t>
    let input: [UInt8]
    let inputCount: Int
    /// What libyaml reads from; kept alive as long as the parser.
    let source: InputSource
    let maxDepth: Int
    var documents = 0
    /// Nesting of the input as written (aliases not expanded).
    var depth = 0
    var done = false

    init(_ input: [UInt8], maxDepth: Int) throws(YAMLError) {
        self.input = input
        inputCount = input.count
        self.maxDepth = maxDepth
        source = InputSource(input)
        parser = .allocate(capacity: 1)
        guard yaml_parser_initialize(parser) == 1 else {
            parser.deallocate()
            throw YAMLError(.syntax, "libyaml could not allocate a parser", at: YAMLMark(line: 1, column: 1))
        }
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

    // Not a deinit: the struct is copied into its place once and torn down there.
    func destroy() {
        yaml_parser_delete(parser)
        parser.deallocate()
    }

    /// Up to ``EventSource/batchSize`` events, stopping after the end event or at
    /// the first failure. The events are written straight into the batch's
    /// storage, and libyaml's event record is reused from one to the next.
    mutating func batch() -> EventBatch {
        var arena: [UInt8] = []
        arena.reserveCapacity(EventSource.batchSize * 8)
        var failure: YAMLError?
        var event = yaml_event_t()
        let events = [RawEvent](unsafeUninitializedCapacity: EventSource.batchSize) { buffer, count in
            while count < buffer.count && !done {
                do throws(YAMLError) {
                    let raw = try next(&event, arena: &arena)
                    buffer.initializeElement(at: count, to: raw)
                    count += 1
                    if raw.isEnd { done = true }
                } catch {
                    done = true
                    failure = error
                }
            }
        }
        return EventBatch(events: events, arena: arena, failure: failure)
    }

    /// libyaml's next node event, past the stream and document events, parsed
    /// into `event`; its long texts and anchors are appended to `arena`.
    mutating func next(_ event: inout yaml_event_t, arena: inout [UInt8]) throws(YAMLError) -> RawEvent {
        while true {
            guard yaml_parser_parse(parser, &event) == 1 else { throw libyamlError() }
            defer { yaml_event_delete(&event) }
            let mark = YAMLMark(line: Int(event.start_mark.line) + 1, column: Int(event.start_mark.column) + 1)
            var raw = RawEvent(token: YAMLToken(.documentEnd, mark: mark))
            switch event.type {
            case YAML_SCALAR_EVENT:
                let s = event.data.scalar
                raw.token.kind = .scalar
                raw.token.style =
                    switch s.style {
                    case YAML_SINGLE_QUOTED_SCALAR_STYLE: .singleQuoted
                    case YAML_DOUBLE_QUOTED_SCALAR_STYLE: .doubleQuoted
                    case YAML_LITERAL_SCALAR_STYLE: .literal
                    case YAML_FOLDED_SCALAR_STYLE: .folded
                    default: .plain
                    }
                if s.tag != nil { raw.token.tag = try tag(s.tag, at: mark) }
                if let value = s.value {
                    let count = s.length
                    if count <= YAMLText.inlineCapacity {
                        let words = ByteWords(value, count: count)
                        raw.token.low = words.low
                        raw.token.high = words.high
                        raw.token.textCount = UInt8(truncatingIfNeeded: count)
                    } else {
                        raw.token.textCount = YAMLToken.outOfLine
                        raw.token.low = UInt64(arena.count)
                        raw.token.high = UInt64(count)
                        arena.append(contentsOf: UnsafeBufferPointer(start: value, count: count))
                    }
                }
                if s.anchor != nil { append(anchor: s.anchor, to: &raw, in: &arena) }
            case YAML_SEQUENCE_START_EVENT, YAML_MAPPING_START_EVENT:
                depth += 1
                if depth > maxDepth {
                    throw YAMLError(.tooDeep, "collections nest deeper than \(maxDepth) levels", at: mark)
                }
                let mapping = event.type == YAML_MAPPING_START_EVENT
                raw.token.kind = mapping ? .mappingStart : .sequenceStart
                let tag = mapping ? event.data.mapping_start.tag : event.data.sequence_start.tag
                if tag != nil { raw.token.tag = try self.tag(tag, at: mark) }
                let anchor = mapping ? event.data.mapping_start.anchor : event.data.sequence_start.anchor
                if anchor != nil { append(anchor: anchor, to: &raw, in: &arena) }
            case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
                depth -= 1
                raw.token.kind = event.type == YAML_MAPPING_END_EVENT ? .mappingEnd : .sequenceEnd
            case YAML_ALIAS_EVENT:
                raw.isAlias = true
                append(anchor: event.data.alias.anchor, to: &raw, in: &arena)
            case YAML_STREAM_END_EVENT:
                break
            case YAML_DOCUMENT_START_EVENT:
                documents += 1
                if documents > 1 {
                    throw YAMLError(
                        .multipleDocuments, "the input holds more than one YAML document", at: mark,
                        hint: "a spec is one document; remove the second '---' and what follows")
                }
                continue
            default:
                continue
            }
            raw.isPlain =
                raw.anchorCount == 0 && !raw.isAlias && raw.token.kind != .documentEnd
                && raw.token.textCount != YAMLToken.outOfLine
            return raw
        }
    }

    /// Copies an anchor's (or an alias's) name into the batch's arena.
    private func append(
        anchor: UnsafeMutablePointer<yaml_char_t>?, to raw: inout RawEvent, in arena: inout [UInt8]
    ) {
        guard let anchor else { return }
        let count = strlen(UnsafeRawPointer(anchor).assumingMemoryBound(to: CChar.self))
        raw.anchorStart = arena.count
        raw.anchorCount = count
        arena.append(contentsOf: UnsafeBufferPointer(start: anchor, count: count))
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

    /// The 1-based mark of a byte offset: lines end where libyaml ends them (LF,
    /// CR LF, a lone CR, NEL, LS, PS), columns count scalars.
    func markOfByte(_ offset: Int) -> YAMLMark {
        var line = 1
        var column = 1
        // A byte order mark is not a character of the first line.
        var i = inputCount >= 3 && input[0] == 0xEF && input[1] == 0xBB && input[2] == 0xBF ? 3 : 0
        let end = min(offset, inputCount)
        while i < end {
            let breakLength = lineBreak(at: i)
            if breakLength > 0 {
                line += 1
                column = 1
                i += breakLength
                continue
            }
            if input[i] & 0xC0 != 0x80 { column += 1 }
            i += 1
        }
        return YAMLMark(line: line, column: column)
    }

    /// The length of the line break at byte `i`, or 0: LF, CR LF, a lone CR,
    /// NEL (C2 85), LS (E2 80 A8) and PS (E2 80 A9), the breaks libyaml counts.
    func lineBreak(at i: Int) -> Int {
        switch input[i] {
        case 0x0A: return 1
        case 0x0D: return i + 1 < inputCount && input[i + 1] == 0x0A ? 2 : 1
        case 0xC2 where i + 1 < inputCount && input[i + 1] == 0x85: return 2
        case 0xE2 where i + 2 < inputCount && input[i + 1] == 0x80 && (input[i + 2] == 0xA8 || input[i + 2] == 0xA9):
            return 3
        default: return 0
        }
    }

    func byte(atLine line: Int, column: Int) -> UInt8? {
        var i = inputCount >= 3 && input[0] == 0xEF && input[1] == 0xBB && input[2] == 0xBF ? 3 : 0
        var l = 1
        while l < line && i < inputCount {
            let breakLength = lineBreak(at: i)
            if breakLength > 0 {
                l += 1
                i += breakLength
            } else {
                i += 1
            }
        }
        var c = 1
        while c < column && i < inputCount {
            i += 1
            while i < inputCount && input[i] & 0xC0 == 0x80 { i += 1 }
            c += 1
        }
        return i < inputCount ? input[i] : nil
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

