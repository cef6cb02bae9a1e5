// The look of the HTML report: its one stylesheet, the owner colours and the
// legend, whose SVG also defines the patterns every bar refers to.

/// Colours, stylesheet and legend of the HTML report.
enum HTMLStyle {
    /// Fill classes of active OSes, taken in turn by document order.
    static let activeFills = ["a0", "a1", "a2", "a3"]
    /// Fill classes of standby OSes, taken in turn by document order.
    static let standbyFills = ["s0", "s1"]
    /// The monitor's own area.
    static let monitorFill = "mo"
    /// The pool (`unallocated`).
    static let poolFill = "po"

    /// Fills dark enough to need white text.
    static func isDark(_ fill: String) -> Bool {
        fill == "a0" || fill == "a1" || fill == "mo" || fill == "fl"
    }

    // The palette steps through lightness (CIE L* in the comment) so that
    // owners stay apart in greyscale and in print; patterns, not colour, mark
    // what a case did to a region.
    static let css = """
        :root{color-scheme:light;--ink:#1a1a1a;--muted:#555;--line:#bbb}
        *{box-sizing:border-box}
        body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;
        color:var(--ink);background:#fff;margin:0 auto;padding:1rem 1.5rem 3rem;max-width:1200px;
        overflow-wrap:break-word}
        h1{font-size:1.6rem;margin:.5rem 0}
        h2{font-size:1.25rem;margin:0}
        h3{font-size:1.05rem;margin:1.4rem 0 .4rem}
        p{margin:.35rem 0}
        .ok{color:#1b5e20;font-weight:600}
        .bad{color:#b71c1c;font-weight:600}
        .note{color:var(--muted);font-size:.9em}
        svg{print-color-adjust:exact;-webkit-print-color-adjust:exact}
        svg.bar,svg.val{display:block;width:100%}
        svg.bar{border:1px solid #777;margin:.15rem 0 .6rem;height:\(HTMLBars.barHeight + 2)px}
        .bar rect{height:\(HTMLBars.barHeight)px}
        .bar rect.mv,.bar rect.rl,.bar rect.ls{stroke:none}
        svg.val{margin:.4rem 0;max-width:900px}
        svg.defs{position:absolute;width:0;height:0;overflow:hidden}
        ul.leg{list-style:none;padding:0;margin:.4rem 0;display:flex;flex-wrap:wrap;gap:.3rem 1.4rem;font-size:.9em}
        ul.leg li{display:flex;align-items:center;gap:.4rem}
        svg.sw{flex:none}
        .tw{overflow-x:auto;max-width:100%}
        rect{stroke:#fff;stroke-width:1px;vector-effect:non-scaling-stroke}
        .t{font-size:\(HTMLBars.fontSize)px;fill:#000;pointer-events:none}
        .t.d{fill:#fff}
        .t.h{fill:#000;stroke:#fff;stroke-width:3px;stroke-linejoin:round;paint-order:stroke}
        .a0{fill:#08306b;color:#08306b}
        .a1{fill:#2f6db3;color:#2f6db3}
        .a2{fill:#7aa9dc;color:#7aa9dc}
        .a3{fill:#d3e4f4;color:#d3e4f4}
        .s0{fill:#e0761c;color:#e0761c}
        .s1{fill:#f9c28c;color:#f9c28c}
        .mo{fill:#4a4a4a;color:#4a4a4a}
        .po{fill:#fff;color:#999}
        rect.po{stroke:#777}
        .fl{fill:#1b7837}
        .du{fill:#8c8c8c}
        .st{fill:#cfcfcf}
        .me{fill:#fff;stroke:#444;stroke-width:1.5px}
        .bar rect.un{stroke:#666}
        .un{fill:url(#p-un)}
        .mv{fill:url(#p-mv);pointer-events:none}
        .rl{fill:url(#p-rl);pointer-events:none}
        .ls{fill:url(#p-ls);pointer-events:none}
        .cap{margin:.5rem 0 0;font-size:.92em}
        .owners{font-size:.9em}
        .owners span{font-size:1.2em}
        details.m{border-top:1px solid var(--line);padding:.4rem 0}
        details.m>summary{cursor:pointer;padding:.25rem 0}
        details.m>summary h2{display:inline;margin-right:.5rem}
        details.m[open]>summary{margin-bottom:.4rem}
        details.cases>summary{cursor:pointer;font-weight:600;margin:1rem 0 .3rem}
        table{border-collapse:collapse;font-size:.88em;margin:.4rem 0}
        caption{text-align:left;color:var(--muted);padding:.2rem 0}
        th,td{border-bottom:1px solid #ddd;padding:.15rem .5rem;text-align:left;vertical-align:top}
        th{border-bottom:2px solid #888}
        .ct td:nth-child(5),.ov td:nth-child(2),.ov td:nth-child(n+5){
        text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
        .ct td:nth-child(4){white-space:nowrap}
        tr.n td{font-weight:600}
        ul.short{padding-left:1.2rem}
        ul.short li{margin:.35rem 0}
        code{font-size:.95em}
        @media (max-width:1059px){.bar .w2{display:none}}
        @media (max-width:699px){.bar .w1{display:none}}
        @media (max-width:600px){body{padding:.75rem .75rem 2rem}h1{font-size:1.35rem}}
        @media print{
        .tw{overflow:visible}
        body{max-width:none;padding:0;font-size:10pt}
        a{color:inherit;text-decoration:none}
        details>summary{list-style:none}
        details>summary::-webkit-details-marker{display:none}
        svg,tr,li{break-inside:avoid}
        details::details-content{content-visibility:visible;display:block}
        }
        """

    /// The legend, once at the top of the page: a list whose swatches are
    /// small fixed-size SVGs and whose words are HTML, so it wraps on a narrow
    /// screen and its text keeps its size. Before it, a hidden SVG defines the
    /// patterns (`p-mv`, `p-rl`, `p-ls`, `p-un`) every bar of the page refers
    /// to: a pattern is found by id anywhere in the document, so it is written
    /// once. Swatches are paths, so that every `rect` with bytes is a drawn size.
    static func legend(into h: inout String) {
        // Each item: its swatches (fill and optional pattern) and its text.
        let items: [(swatches: [(fill: String, mark: String?)], text: String)] = [
            ([("a0", nil), ("a1", nil), ("a2", nil), ("a3", nil)], "active OSes, in turn"),
            ([("s0", nil), ("s1", nil)], "standby OSes, in turn"),
            ([("mo", nil)], "monitor"),
            ([("po", nil)], "pool (unallocated)"),
            ([("s0", "mv"), ("a3", "mv")], "taken over by a standby (diagonal hatch)"),
            ([("po", "rl"), ("a3", "rl")], "returned to the pool (dots)"),
            ([("a1", "ls"), ("a3", "ls")], "cannot be read, lost (red cross-hatch)"),
            ([("un", nil)], "left alone by the case (grey stripes; in tables of more than \(HTMLBars.groupingThreshold) regions)"),
        ]
        h += "<svg class=\"defs\" width=\"0\" height=\"0\" aria-hidden=\"true\"><defs>"
        h += "<pattern id=\"p-mv\" width=\"9\" height=\"9\" patternUnits=\"userSpaceOnUse\">"
        h += "<path d=\"M-1 1l2-2M0 9L9 0M8 10l2-2\" stroke=\"#000\" stroke-width=\"1.6\" stroke-opacity=\".6\"/>"
        h += "</pattern>"
        h += "<pattern id=\"p-rl\" width=\"8\" height=\"8\" patternUnits=\"userSpaceOnUse\">"
        h += "<circle cx=\"4\" cy=\"4\" r=\"1.4\" fill=\"#333\"/></pattern>"
        h += "<pattern id=\"p-ls\" width=\"10\" height=\"10\" patternUnits=\"userSpaceOnUse\">"
        // White under red, so that the cross shows on dark owners and light ones.
        h += "<path d=\"M0 0L10 10M10 0L0 10\" stroke=\"#fff\" stroke-width=\"1.8\"/>"
        h += "<path d=\"M0 0L10 10M10 0L0 10\" stroke=\"#c00000\" stroke-width=\"1\"/></pattern>"
        // What a case left alone: mid grey with darker stripes, so that it is
        // not mistaken for the pool (white) next to it, in colour, greyscale or print.
        h += "<pattern id=\"p-un\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\">"
        h += "<path d=\"M0 0h6v6h-6z\" fill=\"#c6c6c6\"/>"
        h += "<path d=\"M3 0v6\" stroke=\"#808080\" stroke-width=\"1.2\"/></pattern>"
        h += "</defs></svg>\n"
        h += "<ul class=\"leg\" aria-label=\"Legend\">\n"
        h += "<li>Regions are coloured by owner in document order; patterns mark what a case did.</li>\n"
        let swatch = 16
        for item in items {
            let width = item.swatches.count * (swatch + 2)
            h += "<li><svg class=\"sw\" width=\"\(width)\" height=\"20\" aria-hidden=\"true\">"
            var x = 0
            for s in item.swatches {
                let box = "M\(x) 0h\(swatch)v20h-\(swatch)z"
                h += "<path class=\"\(s.fill)\" d=\"\(box)\" stroke=\"#777\" stroke-width=\".6\"/>"
                if let mark = s.mark { h += "<path class=\"\(mark)\" d=\"\(box)\"/>" }
                x += swatch + 2
            }
            h += "</svg>\(HTMLReport.escape(item.text))</li>\n"
        }
        h += "</ul>\n"
    }
}
