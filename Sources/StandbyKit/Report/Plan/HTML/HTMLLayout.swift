// The HTML report's memory layout of a machine: one bar after start-up and
// one after each `os` and `memory` case, the segments each is drawn as, and
// the note on copies started on other machines.

extension HTMLPage {
    // MARK: - Memory layout

    /// Fill class per owner: active and standby OSes take their shades in turn.
    func fills(_ cm: CompiledMachine) -> [String: String] {
        var fills: [String: String] = [:]
        var actives = 0
        var standbys = 0
        for os in cm.machine.oses where fills[os.name] == nil {
            switch os.role {
            case .active:
                fills[os.name] = HTMLStyle.activeFills[actives % HTMLStyle.activeFills.count]
                actives += 1
            case .standby:
                fills[os.name] = HTMLStyle.standbyFills[standbys % HTMLStyle.standbyFills.count]
                standbys += 1
            }
        }
        return fills
    }

    func fill(_ r: Region, _ fills: [String: String]) -> String {
        switch r.kind {
        case .monitor: HTMLStyle.monitorFill
        case .unallocated: HTMLStyle.poolFill
        case .os, .job: fills[r.owner] ?? HTMLStyle.monitorFill
        }
    }

    func layout(_ m: MachinePlan, _ cm: CompiledMachine, foreign: [FaultCase], into h: inout String) {
        let fills = fills(cm)
        h += "<h3>Memory layout</h3>\n<p class=\"owners\">Owners: "
        h += cm.machine.oses.map { os in
            let fill = fills[os.name] ?? HTMLStyle.monitorFill
            return "<span class=\"\(fill)\">■</span> \(esc(os.name)) (\(os.role.rawValue))"
        }.joined(separator: ", ")
        h += ", <span class=\"mo\">■</span> monitor, <span class=\"po\">□</span> pool.</p>\n"

        // Rebuilt on each read: read once.
        let final = cm.final
        let large = final.count > HTMLBars.groupingThreshold
        let startSegments = final.map { r in startSegment(r, fill: fill(r, fills), large: large) }
        h += "<p class=\"cap\">After start-up, the state every case starts from:</p>\n"
        HTMLBars.layoutBar(
            BarSegment.grouped(startSegments), total: m.memory, title: "\(m.name) after start-up",
            caseID: "\(m.name)/start-up", labels: true, into: &h)

        for c in Self.caseBars(m.cases) {
            caseBar(c, machine: m.name, fills: fills, large: large, into: &h)
        }
        let drawable = m.cases.reduce(0) { $0 + ($1.kind == .os || $1.kind == .memory ? 1 : 0) }
        let left = drawable - min(drawable, Self.maxCaseBars)
        if left > 0 {
            h += "<p class=\"cap\">\(left) more <code>os</code> and <code>memory</code> cases are not drawn; "
            h += "<code>standby plan SPEC --case ID</code> shows the table after any case.</p>\n"
        }
        // The cases of other machines that left this one short, as this machine's memory was after each.
        for c in foreign { caseBar(c, machine: m.name, fills: fills, large: large, into: &h) }
    }

    /// The bar of machine `machine`'s table after case `c`, with its caption:
    /// whether the case is covered, and where memory was short.
    private func caseBar(
        _ c: FaultCase, machine: String, fills: [String: String], large: Bool, into h: inout String
    ) {
        guard let trace = tracer.trace(c), let table = trace.after.first(where: { $0.machine == machine }) else {
            return
        }
        let own = c.machine == machine
        h += "<p class=\"cap\">After <code>\(esc(c.id))</code>"
        if !own { h += " (a fault on \(esc(c.machine)))" }
        h += ": "
        h += c.covered
            ? "covered"
            : "<span class=\"bad\">not covered</span>"
                + Sentences.whyNotCovered(c).map { ", " + esc($0) }.joined()
        h += remoteNote(trace, machine: machine)
        h += "</p>\n"
        var segments = BarSegment.grouped(
            caseSegments(table, trace: trace, failed: own ? c.target : nil, fills: fills, large: large))
        // What the case left alone goes first, so that every case bar of a
        // large machine reads the same way: unchanged, then what changed.
        if let i = segments.firstIndex(where: { $0.group == .unchanged }), i > 0 {
            segments.insert(segments.remove(at: i), at: 0)
        }
        let title = own ? "\(machine) after the \(c.kind.rawValue) fault of \(c.target)" : "\(machine) after \(c.id)"
        HTMLBars.layoutBar(segments, total: table.memory, title: title, caseID: c.id, labels: !large, into: &h)
    }

    /// At most this many case bars per machine. Each bar draws the machine's
    /// whole table, so a bar for every `os` and `memory` case of a machine with
    /// a thousand actives would make the page grow with the square of its OSes.
    static let maxCaseBars = 24

    /// The `os` and `memory` cases drawn as bars, in plan order: every one when
    /// there are at most ``maxCaseBars``, else the uncovered ones first, then
    /// the covered ones, up to that many. The page says how many are left out.
    static func caseBars(_ cases: [FaultCase]) -> [FaultCase] {
        let candidates = cases.filter { $0.kind == .os || $0.kind == .memory }
        guard candidates.count > maxCaseBars else { return candidates }
        var chosen = Set<Int>()
        for (i, c) in candidates.enumerated() where !c.covered && chosen.count < maxCaseBars { chosen.insert(i) }
        for i in candidates.indices where chosen.count < maxCaseBars { chosen.insert(i) }
        return candidates.indices.filter(chosen.contains).map { candidates[$0] }
    }

    /// A region of the start-up table. In a large table, each OS's own area
    /// and its job regions are drawn as one segment.
    private func startSegment(_ r: Region, fill: String, large: Bool) -> BarSegment {
        switch r.kind {
        case .os:
            var s = BarSegment(
                name: r.name, owner: r.owner, bytes: r.size, fill: fill, detail: large ? "" : "own area",
                key: large ? r.owner : nil)
            s.group = .owner
            return s
        case .monitor:
            return BarSegment(name: r.name, owner: r.owner, bytes: r.size, fill: fill)
        case .unallocated:
            var s = BarSegment(name: r.name, owner: r.owner, bytes: r.size, fill: fill)
            s.labelName = "pool"
            return s
        case .job:
            let detail = r.onFault == monitorName ? "returns to the pool on a fault" : "fails over to \(r.onFault)"
            return BarSegment(
                name: r.name, owner: r.owner, bytes: r.size, fill: fill, detail: large ? "" : detail,
                key: large ? r.owner : nil)
        }
    }

    /// The regions of a machine's table after a case, marked with what the case
    /// did: copies started in handed-over memory, lost parts, and the share of
    /// the pool the fault released. In a large table, the regions the case left
    /// alone are drawn as one segment, and the job regions it touched are
    /// grouped per owner and fate.
    private func caseSegments(
        _ table: CaseTable, trace: CaseTrace, failed: String?, fills: [String: String], large: Bool
    ) -> [BarSegment] {
        var copies: Set<String> = []
        // A fault on another machine stops no OS of this one.
        var touched: Set<String> = failed.map { [$0] } ?? []
        var received: [String: Int] = [:]
        var released = 0
        for event in trace.events where event.machine == table.machine {
            switch event {
            case .startCopy(_, let standby, let copy, _):
                copies.insert(copy)
                touched.insert(standby)
            case .handOver(_, let region, let bytes, let standby):
                received[standby] = satAdd(received[standby] ?? 0, bytes)
                touched.insert(region)
                touched.insert(standby)
            case .draw(_, let standby, let bytes):
                received[standby] = satAdd(received[standby] ?? 0, bytes)
                touched.insert(standby)
            case .release(_, let region, let bytes):
                released = satAdd(released, bytes)
                touched.insert(region)
            case .cutOff(_, let region, _):
                touched.insert(region)
            case .mergeIntoOS(_, let region, let os):
                touched.insert(region)
                touched.insert(os)
            case .cannotStart(_, let standby, _, _):
                touched.insert(standby)
            case .loseMachine:
                break
            }
        }
        var out: [BarSegment] = []
        out.reserveCapacity(table.regions.count)
        for r in table.regions {
            let f = fill(r, fills)
            func segment(_ detail: String, mark: BarMark? = nil, key: String? = nil) -> BarSegment {
                BarSegment(
                    name: r.name, owner: r.owner, bytes: r.size, fill: f, mark: mark, detail: detail,
                    key: large ? key : nil)
            }
            if r.name.hasSuffix(lostSuffix) {
                var s = segment("cannot be read", mark: .lost, key: "\(r.owner)\u{0}lost")
                s.group = .lost
                out.append(s)
                continue
            }
            // The monitor's area never changes in a case: it joins what the case left alone.
            if large && !touched.contains(r.name) && r.kind != .unallocated {
                var s = BarSegment(
                    name: r.name, owner: r.owner, bytes: r.size, fill: "un", detail: "unchanged", key: "\u{0}unchanged")
                s.group = .unchanged
                out.append(s)
                continue
            }
            switch r.kind {
            case .job:
                out.append(
                    copies.contains(r.name)
                        ? segment(large ? "copies" : "copy started on \(r.owner)",
                            mark: .moved, key: "\(r.owner)\u{0}copy")
                        : segment("", key: "\(r.owner)\u{0}job"))
            case .os:
                if r.name == failed {
                    out.append(segment("stopped"))
                } else if let bytes = received[r.name] {
                    out.append(segment("was handed \(Size.describe(bytes))"))
                } else {
                    out.append(segment("own area"))
                }
            case .monitor:
                out.append(segment(""))
            case .unallocated:
                // Which bytes of the pool a standby drew is not defined; the
                // drawing shows the fault's release as what remains of it, at
                // the start of the pool.
                var s = segment("")
                s.labelName = "pool"
                let fromFault = min(released, r.size)
                if fromFault > 0 {
                    s.partMark = (fromFault, .released)
                    s.detail = "\(Size.describe(fromFault)) of it returned by the fault"
                }
                out.append(s)
            }
        }
        return out
    }

    /// `; copies on other machines: m2/sb0 (3 started, 192 MiB)` for copies
    /// started (or not) on other machines, whose bars are not drawn here.
    private func remoteNote(_ trace: CaseTrace, machine: String) -> String {
        var order: [String] = []
        var started: [String: (count: Int, bytes: Int)] = [:]
        var failed: [String: Int] = [:]
        for event in trace.events where event.machine != machine {
            switch event {
            case .startCopy(let m, let s, _, let bytes):
                let key = "\(m)/\(s)"
                if started[key] == nil && failed[key] == nil { order.append(key) }
                let old = started[key] ?? (0, 0)
                started[key] = (old.count + 1, satAdd(old.bytes, bytes))
            case .cannotStart(let m, let s, _, _):
                let key = "\(m)/\(s)"
                if started[key] == nil && failed[key] == nil { order.append(key) }
                failed[key, default: 0] += 1
            default: break
            }
        }
        guard !order.isEmpty else { return "" }
        let parts = order.map { key -> String in
            var text = esc(key) + " ("
            if let s = started[key] { text += "\(s.count) started, \(Size.describe(s.bytes))" }
            if let f = failed[key] { text += (started[key] == nil ? "" : "; ") + "\(f) could not start" }
            return text + ")"
        }
        return "; copies on other machines: " + parts.joined(separator: ", ")
    }
}
