// The SVG bars of the HTML report: exact integer geometry, the segments a
// resource table is drawn as, and the markup of one bar.
//
// Every bar is one `<svg>` whose viewBox is `HTMLBars.width` units wide. A
// layout bar's full width is the machine's memory, so a region of `b` bytes is
// `b × width / memory` units wide; a value bar's full `HTMLBars.valueWidth` is
// the largest value it compares. Each drawn `<rect>` carries its exact byte
// count in `data-bytes`, and each `<svg>` the byte count of its full scale in
// `data-scale` and the units that stand for it in `data-span`, so anyone can
// check a width against its bytes.

/// Geometry and markup of the report's bars.
enum HTMLBars {
    /// The viewBox width of every bar, in SVG units.
    static let width = 10_000
    /// The share of a value bar's width the longest value takes; the rest holds
    /// its label.
    static let valueWidth = 7_000
    /// Height of one bar.
    static let barHeight = 260
    /// Height of one row of a value chart (a bar and the gap under it).
    static let rowHeight = 300
    /// Font size of labels, in SVG units.
    static let fontSize = 130
    /// Rough advance of one character of a label (sans-serif averages about
    /// 0.6 em), used only to decide whether a label fits inside its rect.
    static let charWidth = 80
    /// Tables with more rows than this are drawn with their job regions grouped
    /// (per owner and fate), so that a machine with hundreds of jobs stays a
    /// few kilobytes per bar; every region is still counted in its group.
    static let groupingThreshold = 40

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

/// How a region was changed by a case: drawn as a pattern over the owner's colour.
enum BarMark: String {
    /// A copy a standby started in memory handed over to it (diagonal hatch).
    case moved = "mv"
    /// Memory the fault returned to the pool (dots).
    case released = "rl"
    /// Memory that cannot be read any more (cross-hatch).
    case lost = "ls"

    var meaning: String {
        switch self {
        case .moved: "taken over by a standby"
        case .released: "returned to the pool by the fault"
        case .lost: "cannot be read"
        }
    }
}

/// One rect of a layout bar: a region, or a group of job regions.
struct BarSegment {
    /// The region's name; for a group, its first region's name.
    var name: String
    var owner: String
    var bytes: Int
    /// CSS class of the fill.
    var fill: String
    var mark: BarMark?
    /// Tooltip detail after the owner, e.g. `fails over to standby`.
    var detail: String
    /// The detail a group of such regions shares (groups drop per-region
    /// details such as each job's destination).
    var groupDetail: String
    /// Job regions may be grouped in large tables.
    var isJob: Bool
    /// Regions in the segment (1 unless grouped).
    var count = 1
    /// The last region's name of a group.
    var lastName = ""

    /// `name` for a region, `first … last (n jobs)` for a group.
    var title: String {
        count == 1 ? name : "\(name) … \(lastName) (\(count) jobs)"
    }

    /// A short label drawn inside the rect when it fits.
    var label: String {
        count == 1 ? "\(name) \(Size.describe(bytes))" : "\(count) jobs \(Size.describe(bytes))"
    }

    var shownDetail: String { count == 1 ? detail : groupDetail }

    /// `title · owner · size[ · detail]` for the rect's tooltip.
    var tooltip: String {
        let d = shownDetail
        return "\(title) · \(owner) · \(Size.describe(bytes))" + (d.isEmpty ? "" : " · \(d)")
    }

    /// The entry in the bar's text alternative: `name size (owner[, detail])`.
    var alternative: String {
        let d = shownDetail
        return "\(title) \(Size.describe(bytes)) (\(owner)" + (d.isEmpty ? ")" : ", \(d))")
    }

    /// Segments of large tables, with job regions of the same owner, mark and
    /// shared detail merged into one segment at the place of the first.
    static func grouped(_ segments: [BarSegment], regionCount: Int) -> [BarSegment] {
        guard regionCount > HTMLBars.groupingThreshold else { return segments }
        var out: [BarSegment] = []
        var groupAt: [String: Int] = [:]
        for s in segments {
            guard s.isJob else {
                out.append(s)
                continue
            }
            let key = "\(s.owner)\u{0}\(s.mark?.rawValue ?? "")\u{0}\(s.groupDetail)"
            if let i = groupAt[key] {
                out[i].count += 1
                out[i].bytes = satAdd(out[i].bytes, s.bytes)
                out[i].lastName = s.name
            } else {
                groupAt[key] = out.count
                out.append(s)
            }
        }
        return out
    }
}

extension HTMLBars {
    /// A layout bar: the segments side by side, `total` bytes the full width.
    /// Zero-byte segments are listed in the text alternative but not drawn.
    static func layoutBar(
        _ segments: [BarSegment], total: Int, title: String, caseID: String, into h: inout String
    ) {
        h += "<svg class=\"bar\" viewBox=\"0 0 \(width) \(barHeight)\" role=\"img\" data-case=\""
        h += HTMLReport.escape(caseID)
        h += "\" data-scale=\"\(total)\" data-span=\"\(width)\"><title>"
        h += HTMLReport.escape(title)
        h += "</title><desc>"
        h += HTMLReport.escape(segments.map(\.alternative).joined(separator: "; "))
        h += "</desc>"
        var cumulative = 0
        var x = 0
        var labels = ""
        for s in segments where s.bytes > 0 {
            cumulative = satAdd(cumulative, s.bytes)
            // Each edge is placed from the exact running sum, so rounding never
            // accumulates along the bar.
            let end = units(cumulative, of: total, span: width)
            let w = end - x
            h += "<rect x=\"\(x)\" width=\"\(w)\" height=\"\(barHeight)\" class=\"\(s.fill)\" data-bytes=\"\(s.bytes)\"><title>"
            h += HTMLReport.escape(s.tooltip)
            h += "</title></rect>"
            if let mark = s.mark {
                // The pattern is a path over the rect, so the rect keeps the
                // owner's colour and the only tooltip.
                h += "<path class=\"\(mark.rawValue)\" d=\"M\(x) 0h\(w)v\(barHeight)h-\(w)z\"/>"
            }
            let label = s.label
            if w >= label.count * charWidth + 2 * charWidth {
                labels += "<text x=\"\(x + charWidth)\" y=\"\(barHeight / 2 + fontSize * 35 / 100)\" class=\"t\(HTMLStyle.isDark(s.fill) ? " d" : "")\">"
                labels += HTMLReport.escape(label)
                labels += "</text>"
            }
            x = end
        }
        // Labels after every rect, so that no neighbour's rect covers them.
        h += labels
        h += "</svg>\n"
    }

    /// One row of a value chart.
    struct Value {
        var label: String
        var bytes: Int
        /// CSS class of the fill.
        var fill: String
    }

    /// Horizontal bars on one scale: the largest value is ``valueWidth`` units
    /// wide, each bar labelled on its right with its name and size.
    static func valueChart(_ values: [Value], title: String, into h: inout String) {
        let scale = max(1, values.map(\.bytes).max() ?? 1)
        let height = values.count * rowHeight
        h += "<svg class=\"val\" viewBox=\"0 0 \(width) \(height)\" role=\"img\" data-scale=\"\(scale)\" data-span=\"\(valueWidth)\"><title>"
        h += HTMLReport.escape(title)
        h += "</title><desc>"
        h += HTMLReport.escape(values.map { "\($0.label) \(Size.describe($0.bytes))" }.joined(separator: "; "))
        h += "</desc>"
        for (i, v) in values.enumerated() {
            let y = i * rowHeight
            let w = units(v.bytes, of: scale, span: valueWidth)
            let text = "\(v.label) \(Size.describe(v.bytes))"
            h += "<rect y=\"\(y)\" width=\"\(w)\" height=\"\(barHeight - 40)\" class=\"\(v.fill)\" data-bytes=\"\(v.bytes)\"><title>"
            h += HTMLReport.escape(text)
            h += "</title></rect><text x=\"\(w + charWidth)\" y=\"\(y + (barHeight - 40) / 2 + fontSize * 35 / 100)\" class=\"t\">"
            h += HTMLReport.escape(text)
            h += "</text>"
        }
        h += "</svg>\n"
    }
}
