import Testing

@testable import YAMLReader

/// Reads every event of `text` into a compact trace: `{` `}` for mappings, `[` `]`
/// for sequences, scalars as their value, each with its line:column.
///
/// Every input is read twice, with libyaml on the caller's thread and on a thread
/// of its own (see `EventSource`); the two must agree event for event, and on the
/// error that ends them.
func trace(_ text: String, limits: YAMLLimits = .default) throws(YAMLError) -> [String] {
    try traceBytes(Array(text.utf8), limits: limits)
}

func traceBytes(_ bytes: [UInt8], limits: YAMLLimits = .default) throws(YAMLError) -> [String] {
    let inline = traceResult(bytes, limits: limits, threadThreshold: .max)
    let threaded = traceResult(bytes, limits: limits, threadThreshold: 0)
    switch (inline, threaded) {
    case (.success(let a), .success(let b)):
        #expect(a == b, "libyaml on its own thread gave other events")
    case (.failure(let a), .failure(let b)):
        #expect(a == b, "libyaml on its own thread gave another error")
    default:
        Issue.record("libyaml on its own thread: \(threaded), on the caller's: \(inline)")
    }
    return try inline.get()
}

private func traceResult(_ bytes: [UInt8], limits: YAMLLimits, threadThreshold: Int) -> Result<[String], YAMLError> {
    let reader = YAMLReader(bytes: bytes, limits: limits, threadThreshold: threadThreshold)
    var out: [String] = []
    while true {
        let e: YAMLEvent
        do {
            e = try reader.next()
        } catch {
            return .failure(error)
        }
        let at = "@\(e.mark.line):\(e.mark.column)"
        switch e.kind {
        case .documentEnd: return .success(out)
        case .mappingStart: out.append("{" + at)
        case .mappingEnd: out.append("}")
        case .sequenceStart: out.append("[" + at)
        case .sequenceEnd: out.append("]")
        case .scalar: out.append(e.value + at)
        }
    }
}

/// The scalars and brackets only, without positions.
func shape(_ text: String) throws(YAMLError) -> String {
    try trace(text).map { $0.split(separator: "@").first.map(String.init) ?? $0 }.joined(separator: " ")
}

func error(_ text: String, limits: YAMLLimits = .default) -> YAMLError? {
    do {
        _ = try trace(text, limits: limits)
        return nil
    } catch {
        return error
    }
}

func errorBytes(_ bytes: [UInt8], limits: YAMLLimits = .default) -> YAMLError? {
    do {
        _ = try traceBytes(bytes, limits: limits)
        return nil
    } catch {
        return error
    }
}

@Suite struct Positions {
    @Test func marksAreOneBased() throws {
        #expect(try trace("a: 1\nb:\n  - x\n") == ["{@1:1", "a@1:1", "1@1:4", "b@2:1", "[@3:3", "x@3:5", "]", "}"])
    }

    @Test func columnsCountCharactersNotBytes() throws {
        #expect(try trace("é: ü\nk: v\n").contains("ü@1:4"))
    }

    @Test func byteOrderMarkDoesNotShiftColumns() throws {
        let bytes: [UInt8] = [0xEF, 0xBB, 0xBF] + Array("a: 1\n".utf8)
        let reader = YAMLReader(bytes: bytes)
        _ = try reader.next()
        let key = try reader.next()
        #expect(key.value == "a" && key.mark == YAMLMark(line: 1, column: 1))
    }

    @Test func crlfLineEnds() throws {
        #expect(try trace("a: 1\r\nb: 2\r\n") == ["{@1:1", "a@1:1", "1@1:4", "b@2:1", "2@2:4", "}"])
    }

    @Test func scalarStylesAndTags() throws {
        let reader = YAMLReader(bytes: Array("- 'a'\n- \"b\"\n- !!str 1\n- c\n".utf8))
        _ = try reader.next()
        let a = try reader.next(), b = try reader.next(), c = try reader.next(), d = try reader.next()
        #expect(a.style == .singleQuoted && b.style == .doubleQuoted)
        #expect(c.tag == .str && c.value == "1")
        #expect(d.style == .plain && d.tag == nil)
    }
}

@Suite struct EmptyInput {
    @Test func emptyBytesAreAnEmptyDocument() throws {
        #expect(try trace("") == [])
    }

    @Test func commentsOnly() throws {
        #expect(try trace("# nothing\n\n") == [])
    }
}

@Suite struct Aliases {
    @Test func aliasReplaysTheAnchoredNode() throws {
        #expect(try shape("a: &x [1, 2]\nb: *x\n") == "{ a [ 1 2 ] b [ 1 2 ] }")
    }

    @Test func aliasKeepsTheAnchorsPositions() throws {
        let t = try trace("a: &x 5\nb: *x\n")
        #expect(t == ["{@1:1", "a@1:1", "5@1:4", "b@2:1", "5@1:4", "}"])
    }

    @Test func nestedAnchors() throws {
        #expect(try shape("a: &o {b: &i [1]}\nc: *i\nd: *o\n") == "{ a { b [ 1 ] } c [ 1 ] d { b [ 1 ] } }")
    }

    @Test func undefinedAlias() {
        #expect(error("a: *nope\n")?.kind == .undefinedAlias)
    }

    @Test func billionLaughsHitsTheBudget() {
        var text = "a0: &a0 [x, x, x, x, x, x, x, x, x]\n"
        for i in 1...9 {
            text += "a\(i): &a\(i) [" + Array(repeating: "*a\(i - 1)", count: 9).joined(separator: ", ") + "]\n"
        }
        // a1 to a4 expand to 83,016 nodes; the first alias of a5 takes that past
        // 100,000, and reading stops there, before the 9^10 nodes of the whole.
        let e = error(text)
        #expect(e?.kind == .aliasBudget)
        #expect(e?.mark == YAMLMark(line: 6, column: 10))
    }
}

/// The alias budget grows with the nodes written, not with the input's bytes.
@Suite struct AliasBudget {
    /// Reads every event once, on the caller's thread; the number of events, or the error.
    func count(_ bytes: [UInt8], limits: YAMLLimits = .default) -> Result<Int, YAMLError> {
        let reader = YAMLReader(bytes: bytes, limits: limits, threadThreshold: .max)
        var n = 0
        do {
            while try reader.next().kind != .documentEnd { n += 1 }
        } catch {
            return .failure(error)
        }
        return .success(n)
    }

    @Test func aBombBehindMegabytesOfCommentsIsRefusedQuickly() throws {
        // 10 MB of comments once bought ten million nodes of expansion.
        let comment = "# " + String(repeating: "x", count: 98) + "\n"
        let comments = String(repeating: comment, count: 100_000)
        var text = comments
        text += "a0: &a0 [x, x, x, x, x, x, x, x, x]\n"
        for i in 1...9 {
            text += "a\(i): &a\(i) [" + Array(repeating: "*a\(i - 1)", count: 9).joined(separator: ", ") + "]\n"
        }
        // The work is bounded by the budget, not timed here (this suite also
        // runs under ThreadSanitizer): the bomb is refused at the floor's
        // 100,000 nodes, at the same alias as without the comments, so it
        // costs reading the comments plus 100,000 nodes at most.
        let result = count(Array(text.utf8))
        guard case .failure(let e) = result else {
            Issue.record("read \(result) events")
            return
        }
        #expect(e.kind == .aliasBudget)
        // The floor, not the input's ten million bytes, is the budget: reading
        // stops at the same alias as without the comments.
        #expect(e.message.hasPrefix("aliases expand to more than 100000 nodes"))
        #expect(e.mark == YAMLMark(line: 100_006, column: 10))
    }

    @Test func aSpecMergingOneAnchoredJobIntoEveryMachineReadsWhole() throws {
        // 20,000 merges of a 58-event template: 1,160,000 nodes of expansion, far
        // past the floor and past the input's bytes, but within ten times the
        // nodes written.
        var text = "x-job: &job {memory: 64Mi, hot_standby: true, standby: spare, "
            + "policy: {light: restart, severe: fail}, standby_memory: 32Mi, "
            + "a: [" + (1...40).map(String.init).joined(separator: ", ") + "]}\nmachines:\n"
        for m in 0..<20_000 {
            text += "- {name: m\(m), jobs: [{<<: *job, name: j}]}\n"
        }
        let bytes = Array(text.utf8)
        #expect(bytes.count < 20_000 * 56)
        let events = try count(bytes).get()
        #expect(events > 20_000 * 56)
    }

    @Test func theBudgetIsTheFloorOrTenTimesTheNodesWritten() {
        #expect(YAMLLimits.default.aliasBudget(nodesWritten: 0) == 100_000)
        #expect(YAMLLimits.default.aliasBudget(nodesWritten: 50_000) == 500_000)
        #expect(YAMLLimits(maxAliasExpansion: 7).aliasBudget(nodesWritten: .max) == .max)
    }
}

/// Replayed and merged events say where they are used; `? key` without a value is at its key.
@Suite struct Uses {
    func events(_ text: String) throws -> [YAMLEvent] {
        let reader = YAMLReader(bytes: Array(text.utf8))
        var out: [YAMLEvent] = []
        while true {
            let e = try reader.next()
            if e.kind == .documentEnd { return out }
            out.append(e)
        }
    }

    @Test func aliasesAndMergesCarryTheirUse() throws {
        let all = try events("a: &x 5\nb: *x\nc: &m {k: 1}\nd: {<<: *m}\n")
        let five = all.filter { $0.value == "5" }
        #expect(five.map(\.use) == [nil, YAMLUse(.alias, at: YAMLMark(line: 2, column: 4))])
        #expect(five.allSatisfy { $0.mark == YAMLMark(line: 1, column: 4) })
        let k = all.filter { $0.value == "k" }
        #expect(k.map(\.use) == [nil, YAMLUse(.merge, at: YAMLMark(line: 4, column: 9))])
    }

    @Test func aKeyWithoutAValueHasItsValueAtTheKey() throws {
        let all = try events("? a\nb: 1\n")
        #expect(all.map(\.value) == ["", "a", "", "b", "1", ""])
        #expect(all[2].mark == YAMLMark(line: 1, column: 3))
    }
}

@Suite struct MergeKeys {
    @Test func mergedKeysComeAfterExplicitOnes() throws {
        #expect(try shape("base: &b {x: 1, y: 2}\nm:\n  <<: *b\n  y: 3\n") == "{ base { x 1 y 2 } m { y 3 x 1 } }")
    }

    @Test func explicitKeyBeforeMergeWins() throws {
        #expect(try shape("base: &b {x: 1}\nm: {x: 9, <<: *b}\n") == "{ base { x 1 } m { x 9 } }")
    }

    @Test func listOfMergesFirstWins() throws {
        #expect(
            try shape("a: &a {x: 1}\nb: &b {x: 2, y: 2}\nm:\n  <<: [*a, *b]\n")
                == "{ a { x 1 } b { x 2 y 2 } m { x 1 y 2 } }")
    }

    @Test func inlineMergeMapping() throws {
        #expect(try shape("m:\n  <<: {x: 1}\n  z: 0\n") == "{ m { z 0 x 1 } }")
    }

    @Test func anchoredMappingWithMergeReplaysMerged() throws {
        #expect(try shape("a: &a {x: 1}\nb: &b {<<: *a, y: 2}\nc: *b\n") == "{ a { x 1 } b { y 2 x 1 } c { y 2 x 1 } }")
    }

    @Test func anchoredMappingWithInlineMergeReplaysOnce() throws {
        #expect(try shape("- &m {name: a, <<: {memory: 1}}\n- *m\n") == "[ { name a memory 1 } { name a memory 1 } ]")
    }

    @Test func anchorInsideInlineMerge() throws {
        #expect(try shape("m: {<<: &d {x: 1}}\nn: *d\n") == "{ m { x 1 } n { x 1 } }")
    }

    @Test func mergeOfScalarIsAnError() {
        let e = error("a: &a 1\nm:\n  <<: *a\n")
        #expect(e?.kind == .invalidMerge)
        #expect(e?.mark == YAMLMark(line: 3, column: 7))
    }

    @Test func quotedLessLessIsAnOrdinaryKey() throws {
        #expect(try shape("m: {'<<': 1}\n") == "{ m { << 1 } }")
    }
}

@Suite struct Rejections {
    @Test func duplicateKeys() {
        let e = error("a: 1\nb: 2\na: 3\n")
        #expect(e?.kind == .duplicateKey)
        #expect(e?.mark == YAMLMark(line: 3, column: 1))
        #expect(e?.related == YAMLMark(line: 1, column: 1))
    }

    @Test func duplicateKeysInLargeMappings() {
        var text = ""
        for i in 0..<100 { text += "k\(i): \(i)\n" }
        text += "k42: again\n"
        #expect(error(text)?.kind == .duplicateKey)
    }

    @Test func complexKey() {
        #expect(error("? [a]\n: 1\n")?.kind == .complexKey)
    }

    @Test func secondDocument() {
        let e = error("a: 1\n---\nb: 2\n")
        #expect(e?.kind == .multipleDocuments)
        #expect(e?.mark.line == 2)
    }

    @Test func foreignTag() {
        let e = error("a: !!python/object:os.system x\n")
        #expect(e?.kind == .unsupportedTag)
        #expect(e?.mark == YAMLMark(line: 1, column: 4))
        #expect(e?.message.contains("!!python/object:os.system") == true)
    }

    @Test func localTag() {
        #expect(error("a: !custom x\n")?.kind == .unsupportedTag)
    }

    @Test func invalidUTF8() {
        let e = errorBytes(Array("a: 1\nb: ".utf8) + [0xC3, 0x28] + Array("\n".utf8))
        #expect(e?.kind == .encoding)
        #expect(e?.mark == YAMLMark(line: 2, column: 4))
    }

    @Test func invalidUTF8AfterAByteOrderMark() {
        let e = errorBytes([0xEF, 0xBB, 0xBF] + Array("a: ".utf8) + [0xC3, 0x28])
        #expect(e?.kind == .encoding)
        #expect(e?.mark == YAMLMark(line: 1, column: 4))
    }

    @Test func utf16() {
        #expect(errorBytes([0xFF, 0xFE, 0x61, 0x00])?.kind == .encoding)
    }

    @Test func tooLarge() {
        let e = error("a: 12345\n", limits: YAMLLimits(maxInputBytes: 4))
        #expect(e?.kind == .inputTooLarge)
    }

    @Test func tabIndentationGetsAHint() {
        let e = error("a:\n\tb: 1\n")
        #expect(e?.kind == .syntax)
        #expect(e?.hint?.contains("tabs") == true)
    }

    @Test func syntaxErrorPosition() {
        let e = error("a: [1, 2\nb: 3\n")
        #expect(e?.kind == .syntax)
        #expect(e != nil && e!.mark.line >= 2)
    }

    @Test func readerDroppedMidStream() throws {
        // libyaml's thread is blocked on a full queue when the reader goes away:
        // it must be stopped and joined, not leaked or left waiting.
        let text = (0..<20_000).map { "k\($0): v\n" }.joined()
        for threshold in [0, Int.max] {
            let reader = YAMLReader(bytes: Array(text.utf8), limits: .default, threadThreshold: threshold)
            _ = try reader.next()
            #expect(try reader.next().value == "k0")
        }
    }

    @Test func errorsAreSticky() {
        let reader = YAMLReader(bytes: Array("a: [".utf8))
        var first: YAMLError?
        do { while try reader.next().kind != .documentEnd {} } catch { first = error }
        #expect(first != nil)
        #expect(throws: YAMLError.self) { try reader.next() }
    }
}

@Suite struct Depth {
    @Test func deepFlowNestingStopsEarly() {
        // The error points at the 65th bracket: the parse stopped there, before
        // libyaml scanned the rest.
        let e = error(String(repeating: "[", count: 1_000_000))
        #expect(e?.kind == .tooDeep)
        #expect(e?.mark == YAMLMark(line: 1, column: 65))
    }

    @Test func deepBlockNesting() {
        var text = ""
        for i in 0..<10_000 { text += String(repeating: " ", count: i) + "k:\n" }
        #expect(error(text)?.kind == .tooDeep)
    }

    @Test func limitIsConfigurable() throws {
        #expect(error("[[[1]]]", limits: YAMLLimits(maxDepth: 2))?.kind == .tooDeep)
        #expect(try shape("[[[1]]]") == "[ [ [ 1 ] ] ]")
    }

    @Test func skipIsIterative() throws {
        let reader = YAMLReader(bytes: Array("a: [[1, [2]], {b: c}]\nd: 4\n".utf8))
        _ = try reader.next()
        _ = try reader.next()
        try reader.skip(after: try reader.next())
        #expect(try reader.next().value == "d")
    }
}

/// Inputs of many batches (`EventSource.batchSize` events each), so that anchors,
/// aliases, merges, long scalars and errors fall on both sides of batch
/// boundaries; `trace` reads each on the caller's thread and on libyaml's own.
@Suite struct Batches {
    /// `count` mappings that merge an anchored base, each with a long and a short
    /// scalar, the base defined first and aliased throughout.
    static func document(_ count: Int) -> String {
        var text = "base: &base {shared: 1, long: 'a text longer than sixteen bytes'}\nitems:\n"
        for i in 0..<count {
            text += "  - {<<: *base, name: item-\(i), note: \"note number \(i) of the list\"}\n"
            if i % 97 == 0 { text += "  - &a\(i) [x\(i), y]\n  - *a\(i)\n" }
        }
        return text
    }

    @Test func manyBatchesReadAlikeBothWays() throws {
        let events = try trace(Self.document(2_000))
        #expect(events.count > 20 * EventSource.batchSize)
        let long = events.contains("a text longer than sixteen bytes@1:31")
        #expect(long)
        #expect(events.filter { $0.hasPrefix("note number ") }.count == 2_000)
        // The anchored list appears as written and once more where it is aliased.
        #expect(events.filter { $0.hasPrefix("x1843@") }.count == 2)
    }

    @Test func errorAfterManyBatches() {
        let e = error(Self.document(1_500) + "  - {a: 1, a: 2}\n")
        #expect(e?.kind == .duplicateKey)
        #expect(e?.mark.line == 1_500 + 16 * 2 + 3)
        let syntax = error(Self.document(1_500) + "  - [unclosed\n")
        #expect(syntax?.kind == .syntax)
    }
}

/// An event keeps where it is used in one word: every mark a spec can have
/// comes back as it went in.
@Suite struct UsePacking {
    @Test(arguments: [(1, 1), (5, 13), (4_000_000_000, 1 << 30 - 1), (1 << 32 - 1, 7)])
    func aUseComesBackAsItWentIn(line: Int, column: Int) {
        for kind in [YAMLUse.Kind.alias, .merge] {
            var event = YAMLEvent(kind: .scalar, mark: YAMLMark(line: 1, column: 1), value: "x")
            #expect(event.use == nil)
            event.use = YAMLUse(kind, at: YAMLMark(line: line, column: column))
            #expect(event.use == YAMLUse(kind, at: YAMLMark(line: line, column: column)))
            event.use = nil
            #expect(event.use == nil)
        }
    }
}

/// Texts past 16 bytes live in the reader's own store, not in the token:
/// they compare, repeat, merge and replay as the short ones do.
@Suite struct LongTexts {
    static let long = "a key longer than sixteen bytes"

    @Test func aLongKeyWrittenTwiceIsADuplicate() {
        let e = error("\(Self.long): 1\nshort: 2\n\(Self.long): 3\n")
        #expect(e?.kind == .duplicateKey)
        #expect(e?.message == "duplicate key '\(Self.long)'")
        #expect(e?.mark == YAMLMark(line: 3, column: 1))
        #expect(e?.related == YAMLMark(line: 1, column: 1))
    }

    @Test func longKeysDifferingPastTheSixteenthByteAreTwoKeys() throws {
        #expect(try shape("\(Self.long) x: 1\n\(Self.long) y: 2\n") == "{ \(Self.long) x 1 \(Self.long) y 2 }")
    }

    @Test func aLongKeyRepeatedInALargeMapping() {
        var text = ""
        for i in 0..<40 { text += "\(Self.long) \(i): \(i)\n" }
        #expect(error(text) == nil)
        #expect(error(text + "\(Self.long) 7: again\n")?.related == YAMLMark(line: 8, column: 1))
    }

    @Test func anExplicitLongKeyWinsOverAMergedOne() throws {
        let text = "base: &b {\(Self.long): 1, k: 2}\nm: {<<: *b, \(Self.long): 3}\n"
        #expect(try shape(text) == "{ base { \(Self.long) 1 k 2 } m { \(Self.long) 3 k 2 } }")
    }

    /// Tokens, with their texts read through the reader, say what events say.
    @Test func tokensAndEventsAgree() throws {
        let bytes = Array(Batches.document(600).utf8)
        let events = YAMLReader(bytes: bytes, limits: .default, threadThreshold: .max)
        let tokens = YAMLReader(bytes: bytes, limits: .default, threadThreshold: .max)
        var read = 0
        while true {
            let event = try events.next()
            let token = try tokens.nextToken()
            #expect(token.kind == event.kind && token.mark == event.mark && token.use == event.use)
            #expect(tokens.text(of: token) == event.text && tokens.string(of: token) == event.value)
            #expect(token.style == event.style && token.tag == event.tag)
            read += 1
            if event.kind == .documentEnd { break }
        }
        #expect(read > 10 * EventSource.batchSize)
    }

    @Test func wordsHoldTheBytesOfEveryShortLength() {
        let bytes: [UInt8] = (0..<40).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 11) }
        bytes.withUnsafeBufferPointer { all in
            for offset in 0..<8 {
                for count in 0...16 {
                    let words = ByteWords(all.baseAddress! + offset, count: count)
                    var low: UInt64 = 0
                    var high: UInt64 = 0
                    for i in 0..<count {
                        let byte = UInt64(all[offset + i])
                        if i < 8 { low |= byte << UInt64(8 * i) } else { high |= byte << UInt64(8 * (i - 8)) }
                    }
                    #expect(words.low == low && words.high == high, "offset \(offset), count \(count)")
                }
            }
        }
    }
}
