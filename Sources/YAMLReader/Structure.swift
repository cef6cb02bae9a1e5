/// The reader's general path: the events around anchors, aliases and `<<`
/// merge keys, and keys that are not scalars. An event takes it only when the
/// fast path of ``ReaderCore/next()`` cannot pass it on as it is.
extension ReaderCore {
    mutating func process(_ event: YAMLToken, anchor: String?) throws(YAMLError) {
        switch event.kind {
        case .mappingEnd:
            let merges = frames.mergesOfTop()
            var keys = merges.isEmpty ? [] : frames.keyTextsOfTop(longTexts: longTexts)
            let frame = frames.pop()
            if !merges.isEmpty { try emitMerges(merges, keys: &keys) }
            try emit(event)
            if frame.capturesMerge {
                let capture = captures.removeLast()
                frames.addMerge(capture.events, to: capture.target)
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
                if Self.isMergeKey(event) && anchor == nil {
                    frames[top].mergeValueNext = true
                    return
                }
                try insertKey(event)
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
    mutating func mergeValue(_ event: YAMLToken, anchor: String?, target: Int) throws(YAMLError) {
        let inList = frames[frames.count - 1].kind == .mergeList
        switch event.kind {
        case .mappingStart:
            captures.append(Capture(target: target))
            try emit(event, anchor: anchor)
            frames.push(.mapping, capturesMerge: true)
        case .sequenceStart where !inList:
            try Self.checkDepth(at: event.mark, adding: frames.count + 1, limit: limits.maxDepth)
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
                frames.addMerge(
                    recorded.map { event in
                        var event = event
                        event.use = use
                        return event
                    }, to: frame.kind == .mergeList ? top - 1 : top)
                return
            }
        }
        replays.append((recorded, 0, mark))
    }

    /// Emits the merged entries whose keys the mapping does not have, first source first.
    mutating func emitMerges(_ merges: [[YAMLToken]], keys: inout Set<YAMLText>) throws(YAMLError) {
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
                if keys.insert(text(of: key)).inserted {
                    for j in i..<end { try emit(source[j]) }
                }
                i = end
            }
        }
    }

    /// Throws ``YAMLError/Kind/tooDeep`` when `newDepth` passes `limit`.
    /// Static, on plain values: a method of the reader's state would copy
    /// that state at every call, and this runs at every collection.
    @inline(__always)
    static func checkDepth(at mark: YAMLMark, adding newDepth: Int, limit: Int) throws(YAMLError) {
        if newDepth > limit { throw tooDeep(at: mark, limit: limit) }
    }

    static func tooDeep(at mark: YAMLMark, limit: Int) -> YAMLError {
        YAMLError(.tooDeep, "collections nest deeper than \(limit) levels", at: mark)
    }

    mutating func emit(_ event: YAMLToken, anchor: String? = nil) throws(YAMLError) {
        switch event.kind {
        case .mappingStart, .sequenceStart:
            depth += 1
            try Self.checkDepth(at: event.mark, adding: depth, limit: limits.maxDepth)
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
