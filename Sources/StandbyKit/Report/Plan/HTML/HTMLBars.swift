// The SVG bars of the HTML report: exact integer geometry, the segments a
// resource table is drawn as, and the markup of one bar.
//
// A chart has no viewBox: it is as wide as the page, its heights and its text
// are in CSS pixels, and its widths are thousandths of its width written as
// percentages (`x="37.5%"`). So a bar scales with the screen while its labels
// keep their size: on a phone, text drawn in a scaled 1000-unit viewBox would
// shrink to a third. A layout bar's full width is the machine's memory, so a
// region of `b` bytes is `b × 1000 / memory` thousandths wide; a value chart's
// full width is the largest value it compares. Each drawn `<rect>` carries its
// exact byte count in `data-bytes`, and each `<svg>` the byte count of its
// full scale in `data-scale` (a value chart also the thousandths that stand
// for it, in `data-span`), so anyone can check a width against its bytes.

/// Geometry and markup of the report's bars.
enum HTMLBars {
    /// A chart's width in the units of its geometry: thousandths of its width.
    static let width = 1_000
    /// The share of a value chart's width the largest value takes (its labels
    /// are above its bars).
    static let valueWidth = 1_000
    /// Height of one layout bar, in CSS pixels.
    static let barHeight = 26
    /// Height of a value chart's bar, and of its row with the label above it.
    static let valueHeight = 16
    static let rowHeight = 36
    /// Font size of labels, in CSS pixels (the stylesheet's `.t`).
    static let fontSize = 13
    /// Rough advance of one character of a label in pixels (sans-serif
    /// averages about 0.55 em), used only to decide where a label fits.
    static let charWidth = 7
    /// The narrowest a layout bar is drawn at each tier of screens, in CSS
    /// pixels, with the stylesheet class that hides labels below it: a label
    /// is written when its rect holds it at the widest tier, with the class of
    /// the narrowest tier where it still fits, so no label runs out of its rect
    /// (the media queries are in ``HTMLStyle``). A phone of 390 px draws bars
    /// about 360 px wide; a screen of 1280 px, 1150.
    static let labelTiers: [(barWidth: Int, hiddenBelow: String?)] = [(300, nil), (640, "w1"), (1_000, "w2")]
    /// Machines whose start-up table has more rows than this are drawn and
    /// tabled in groups (see ``HTMLReport``), so that a machine with hundreds
    /// of jobs stays a few kilobytes; every region is still counted in its group.
    static let groupingThreshold = 40

    /// The baseline that centres a label's capital letters in a bar of `height`.
    static func baseline(_ height: Int) -> Int { height / 2 + fontSize * 35 / 100 }

    /// `units` thousandths of a chart's width as a percentage: `37.5%`, `100%`.
    static func percent(_ units: Int) -> String {
        units % 10 == 0 ? "\(units / 10)%" : "\(units / 10).\(units % 10)%"
    }

    /// The tier class of a label needing `pixels` in a rect of `units`
    /// thousandths: `""` when it fits on every screen, `nil` when on none.
    static func labelTier(pixels: Int, units: Int) -> String? {
        for tier in labelTiers where units * tier.barWidth >= pixels * width {
            return tier.hiddenBelow.map { " " + $0 } ?? ""
        }
        return nil
    }

    /// `bytes × span / total`, rounded half up, in exact integer arithmetic
    /// (128-bit intermediate); `bytes` is clamped to `0...total`, so the result
    /// is within `0...span`. 0 when `total` is not above 0.
    static func units(_ bytes: Int, of total: Int, span: Int) -> Int {
        guard total > 0, bytes > 0, span > 0 else { return 0 }
        let b = UInt(min(bytes, total))
        let product = b.multipliedFullWidth(by: UInt(span))
        let (q, r) = UInt(total).dividingFullWidth(product)
        // Half up: the remainder is at least half the divisor.
        return Int(q) + (r >= UInt(total) - r ? 1 : 0)
    }
}

/// What a case did to memory: drawn as a pattern over the region's colour.
enum BarMark: String {
    /// A copy a standby started in memory handed over to it (diagonal hatch).
    case moved = "mv"
    /// Memory the fault returned to the pool (dots).
    case released = "rl"
    /// Memory that cannot be read any more (cross-hatch).
    case lost = "ls"
}

/// One rect of a layout bar: a region, or a group of regions drawn as one.
struct BarSegment {
    /// The region's name; for a group, its first region's name.
    var name: String
    var owner: String
    var bytes: Int
    /// CSS class of the fill.
    var fill: String
    /// A pattern over the whole rect.
    var mark: BarMark?
    /// A pattern over the first `bytes` of the rect only (the part of the pool
    /// a fault released).
    var partMark: (bytes: Int, mark: BarMark)?
    /// Tooltip detail, e.g. `fails over to standby`.
    var detail: String
    /// Segments with the same key are drawn as one, at the place of the first;
    /// `nil` draws the region alone.
    var key: String?
    /// Regions in the segment (1 unless grouped).
    var count = 1
    /// The last region's name of a group.
    var lastName = ""
    /// The owners of a group's regions, in order of appearance.
    var owners: [String]
    /// How a group of regions is named.
    var group = Group.jobs
    /// The name in the label drawn inside the rect, when not ``name``.
    var labelName: String?

    /// How a group of regions is named in its tooltip and label.
    enum Group {
        /// `first … last (n jobs)`, labelled `n jobs`.
        case jobs
        /// An OS's own area and its jobs: `a0 and its 25 jobs`, labelled `a0`.
        case owner
        /// What a case left alone: `131 regions left alone`, labelled `unchanged`.
        case unchanged
        /// Lost parts: `lost parts of 26 regions`, labelled `lost`.
        case lost
    }

    init(
        name: String, owner: String, bytes: Int, fill: String, mark: BarMark? = nil, detail: String = "",
        key: String? = nil
    ) {
        self.name = name
        self.owner = owner
        self.bytes = bytes
        self.fill = fill
        self.mark = mark
        self.detail = detail
        self.key = key
        self.owners = [owner]
    }

    /// `name`, or the group's name (see ``Group``).
    var title: String {
        guard count > 1 else { return name }
        switch group {
        case .jobs: return "\(name) … \(lastName) (\(count) jobs)"
        case .owner: return "\(name) and its \(count - 1) jobs"
        case .unchanged: return "\(count) regions left alone"
        case .lost: return "lost parts of \(count) regions"
        }
    }

    /// The owner as a tooltip names it; a region named after its owner (an
    /// OS's own area, the monitor's) does not repeat it.
    private var ownerText: String {
        if owners.count > 1 { return " (\(owners.joined(separator: ", ")))" }
        return name == owner ? "" : " (\(owner))"
    }

    /// A short label drawn inside the rect when it fits, its size in the bar's scale.
    func label(_ sizes: Size.Scale) -> String {
        let size = sizes.format(bytes)
        guard count > 1 else { return "\(labelName ?? name) \(size)" }
        switch group {
        case .jobs: return "\(count) jobs \(size)"
        case .owner: return "\(name) \(size)"
        case .unchanged: return "unchanged \(size)"
        case .lost: return "lost \(size)"
        }
    }

    /// `title (owner) size[, detail]`: the rect's tooltip.
    func tooltip(_ sizes: Size.Scale) -> String {
        "\(title)\(ownerText) \(sizes.format(bytes))" + (detail.isEmpty ? "" : ", \(detail)")
    }

    /// `title size[, detail]`: the segment's entry in the bar's text
    /// alternative (the tooltip adds the owner).
    func brief(_ sizes: Size.Scale) -> String {
        "\(title) \(sizes.format(bytes))" + (detail.isEmpty ? "" : ", \(detail)")
    }

    /// Segments with the same key merged into one at the place of the first.
    ///
    /// Linear in the segments: each group's owners are also kept in a set, since
    /// the group of what a case left alone has an owner per OS of the machine,
    /// and looking them up in the list made each case bar quadratic in the OSes.
    static func grouped(_ segments: [BarSegment]) -> [BarSegment] {
        var out: [BarSegment] = []
        out.reserveCapacity(segments.count)
        var groupAt: [String: Int] = [:]
        var ownersAt: [Int: Set<String>] = [:]
        for s in segments {
            guard let key = s.key else {
                out.append(s)
                continue
            }
            if let i = groupAt[key] {
                out[i].count += 1
                out[i].bytes = satAdd(out[i].bytes, s.bytes)
                out[i].lastName = s.name
                // A group's name says what it is: "n regions left alone".
                if s.group == .unchanged { out[i].detail = "" }
                if ownersAt[i, default: []].insert(s.owner).inserted { out[i].owners.append(s.owner) }
            } else {
                groupAt[key] = out.count
                ownersAt[out.count] = [s.owner]
                out.append(s)
            }
        }
        return out
    }
}

extension HTMLBars {
    /// A layout bar: the segments side by side, `total` bytes the full width.
    /// Zero-byte segments are listed in the text alternative but not drawn.
    /// With `labels`, segments wide enough get their name and size written in.
    static func layoutBar(
        _ segments: [BarSegment], total: Int, title: String, caseID: String, labels: Bool,
        into h: inout String
    ) {
        // One unit for every size the bar shows, its regions read together.
        let sizes = Size.scale(for: segments.lazy.map(\.bytes), unit: .auto)
        h += "<svg class=\"bar\" role=\"img\" data-case=\""
        h += HTMLReport.escape(caseID)
        h += "\" data-scale=\"\(total)\"><title>"
        h += HTMLReport.escape(title)
        h += "</title><desc>"
        h += HTMLReport.escape(segments.map { $0.brief(sizes) }.joined(separator: "; "))
        h += "</desc>"
        var cumulative = 0
        var x = 0
        var texts = ""
        for s in segments where s.bytes > 0 {
            let start = cumulative
            cumulative = satAdd(cumulative, s.bytes)
            // Each edge is placed from the exact running sum, so rounding never
            // accumulates along the bar.
            let end = units(cumulative, of: total, span: width)
            let w = end - x
            // The height comes from the stylesheet (`.bar rect`): one attribute
            // less on each of a fleet's hundred thousand rects.
            h += "<rect x=\"\(percent(x))\" width=\"\(percent(w))\" class=\"\(s.fill)\" data-bytes=\"\(s.bytes)\"><title>"
            h += HTMLReport.escape(s.tooltip(sizes))
            h += "</title></rect>"
            // Patterns are drawn over the rect, so that the rect keeps the
            // owner's colour and the only tooltip; they carry no bytes.
            if let mark = s.mark {
                h += "<rect x=\"\(percent(x))\" width=\"\(percent(w))\" class=\"\(mark.rawValue)\"/>"
            }
            if let part = s.partMark, part.bytes > 0 {
                let pw = units(satAdd(start, min(part.bytes, s.bytes)), of: total, span: width) - x
                if pw > 0 { h += "<rect x=\"\(percent(x))\" width=\"\(percent(pw))\" class=\"\(part.mark.rawValue)\"/>" }
            }
            if labels {
                let label = s.label(sizes)
                if let tier = labelTier(pixels: (label.count + 2) * charWidth, units: w) {
                    // Over a pattern, a light halo keeps the text readable.
                    let style = s.mark != nil ? " h" : HTMLStyle.isDark(s.fill) ? " d" : ""
                    texts += "<text x=\"\(percent(x))\" dx=\"\(charWidth)\" y=\"\(baseline(barHeight))\" class=\"t\(style)\(tier)\">"
                    texts += HTMLReport.escape(label)
                    texts += "</text>"
                }
            }
            x = end
        }
        // Labels after every rect, so that no neighbour's rect covers them.
        h += texts
        h += "</svg>\n"
    }

    /// One row of a value chart.
    struct Value {
        var label: String
        var bytes: Int
        /// CSS class of the fill.
        var fill: String
    }

    /// Horizontal bars on one scale: the largest value is ``valueWidth``
    /// thousandths wide, each bar under its label (name and size), so that a
    /// label never needs room beside its bar on a narrow screen.
    static func valueChart(_ values: [Value], title: String, into h: inout String) {
        let scale = max(1, values.map(\.bytes).max() ?? 1)
        let sizes = Size.scale(for: values.lazy.map(\.bytes), unit: .auto)
        h += "<svg class=\"val\" height=\"\(values.count * rowHeight)\" role=\"img\""
        h += " data-scale=\"\(scale)\" data-span=\"\(valueWidth)\"><title>"
        h += HTMLReport.escape(title)
        h += "</title><desc>"
        h += HTMLReport.escape(values.map { "\($0.label) \(sizes.format($0.bytes))" }.joined(separator: "; "))
        h += "</desc>"
        for (i, v) in values.enumerated() {
            let y = i * rowHeight
            let w = units(v.bytes, of: scale, span: valueWidth)
            let text = HTMLReport.escape("\(v.label) \(sizes.format(v.bytes))")
            h += "<text y=\"\(y + fontSize)\" class=\"t\">"
            h += text
            h += "</text><rect y=\"\(y + rowHeight - valueHeight - 2)\" width=\"\(percent(w))\" height=\"\(valueHeight)\""
            h += " class=\"\(v.fill)\" data-bytes=\"\(v.bytes)\"><title>"
            h += text
            h += "</title></rect>"
        }
        h += "</svg>\n"
    }
}
