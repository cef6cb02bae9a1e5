import Foundation
import Testing

@testable import StandbyKit

/// The text diagnostics are safe to show on a terminal and bounded, whatever
/// the input: escaped controls, a window of the line, a cap per run.
@Suite struct DiagnosticTextTests {
    static func render(_ text: String, path: String = "x.yaml") -> (String, Diagnostics) {
        let source = SourceFile(path: path, bytes: Array(text.utf8))
        let diagnostics = Pipeline.compile(source).1
        var out = ""
        DiagnosticRenderer.renderText(diagnostics.sorted, in: source, to: &out)
        return (out, diagnostics)
    }

    /// The excerpt and caret lines under the diagnostic reported at `location`.
    static func excerpt(in output: String, at location: StandbyKit.SourceLocation, path: String = "x.yaml")
        -> (text: String, pad: String)?
    {
        let lines = output.split(separator: "\n", omittingEmptySubsequences: false)
        guard let i = lines.firstIndex(where: { $0.hasPrefix("\(path):\(location.line):\(location.column): error") }),
            i + 2 < lines.count, lines[i + 2].hasSuffix("^")
        else { return nil }
        return (String(lines[i + 1]), String(lines[i + 2].dropLast()))
    }

    /// The text at the caret: what follows the caret's column in the excerpt.
    static func underCaret(_ excerpt: (text: String, pad: String)) -> Substring.UnicodeScalarView {
        excerpt.text.unicodeScalars.dropFirst(excerpt.pad.unicodeScalars.count)
    }

    static func isSafe(_ output: String) -> Bool {
        !output.unicodeScalars.contains { TerminalText.isUnsafe($0) && $0 != "\n" && $0 != "\t" }
    }

    @Test func controlAndBidiCharactersAreEscapedAndTheCaretStillPointsRight() throws {
        // A key holding ESC (written as a YAML escape), one holding a raw
        // right-to-left override, and a third key after both on the same line.
        let marked = MarkedText(#"{version: 1, machines: [], 1️⃣"a\e[2J": 1, 2️⃣b‮c: 2, 3️⃣zz: 3}"# + "\n")
        let (output, diagnostics) = Self.render(marked.text)
        #expect(diagnostics.all.filter { $0.code == .unknownKey }.count == 3)
        #expect(Self.isSafe(output))
        #expect(output.contains(#"unknown key 'a\u{1B}[2J'"#))
        #expect(output.contains(#"unknown key 'b\u{202E}c'"#))
        for (n, expected) in [(1, "\"a"), (2, "b\\u{202E}c"), (3, "zz")] {
            let excerpt = try #require(Self.excerpt(in: output, at: marked[n]))
            #expect(String(Self.underCaret(excerpt)).hasPrefix(expected))
            #expect(excerpt.text.contains(#"b\u{202E}c"#))
        }
        // JSON keeps the exact value (JSON escaping does the rest).
        var json = ""
        DiagnosticRenderer.renderJSON([("x.yaml", diagnostics)], to: &json)
        #expect(json.contains(#"unknown key 'a\u001b[2J'"#))
    }

    @Test func aPathWithControlsIsEscaped() {
        let (output, _) = Self.render("version: 1\nmachines: []\n", path: "a\u{1B}]0;b\u{7}.yaml")
        #expect(Self.isSafe(output))
        #expect(output.hasPrefix(#"a\u{1B}]0;b\u{7}.yaml:2:11: error:"#))
        #expect(DiagnosticRenderer.summary(Diagnostics(), path: "a\u{1B}[2J") == #"a\u{1B}[2J: valid"#)
    }

    @Test func tabsStayTabsInExcerptsOnly() throws {
        let text = "{version: 1, machines: [], \"\\tx\": 1,\tzz: 2}\n"
        let (output, _) = Self.render(text)
        #expect(output.contains(#"unknown key '\u{9}x'"#))
        let excerpt = try #require(Self.excerpt(in: output, at: StandbyKit.SourceLocation(line: 1, column: 38)))
        #expect(excerpt.pad == String(repeating: " ", count: 36) + "\t")
        #expect(String(Self.underCaret(excerpt)).hasPrefix("zz"))
    }

    @Test func theExcerptIsAWindowAroundTheColumn() throws {
        let long = String(repeating: "a", count: 5_000)
        let marked = MarkedText("{version: 1, machines: [], a: \(long), 1️⃣bad: 2, c: \(long)}\n")
        let (output, _) = Self.render(marked.text)
        let excerpt = try #require(Self.excerpt(in: output, at: marked[1]))
        #expect(excerpt.text.hasPrefix("…") && excerpt.text.hasSuffix("…"))
        #expect(excerpt.text.unicodeScalars.count <= DiagnosticRenderer.excerptWidth + 2)
        #expect(String(Self.underCaret(excerpt)).hasPrefix("bad: 2"))
        // Nothing else echoes the long values.
        #expect(output.utf8.count < 4 * (DiagnosticRenderer.maxMessageWidth + DiagnosticRenderer.excerptWidth) * 4)
    }

    @Test func nulBytesAreNeitherEchoedNorRepeatedAtLength() {
        let (output, diagnostics) = Self.render(String(repeating: "\u{0}", count: 1 << 20))
        #expect(diagnostics.hasErrors)
        #expect(Self.isSafe(output))
        #expect(!output.utf8.contains(0))
        #expect(output.utf8.count < 2_000)
    }

    @Test func tenThousandErrorsOnOneLineAreCapped() {
        let keys = (0..<10_000).map { "k\($0): 0" }.joined(separator: ", ")
        let text = "{version: 1, machines: [], \(keys)}\n"
        // The same line with keys the decoder ignores (x-…) has no error.
        // With 10,000 errors, the text shows the first ones and counts the
        // rest: under 1 MiB, not 10,000 copies of the line. (Bounded by what
        // is written, not timed: speed is measured by the benchmarks.)
        let quiet = "{version: 1, machines: [], \(keys.replacingOccurrences(of: "k", with: "x-k"))}\n"
        #expect(Self.render(quiet).1.all.map(\.code) == [.noMachines])
        let (output, diagnostics) = Self.render(text)
        #expect(diagnostics.errorCount == 10_000)
        #expect(output.utf8.count < 1 << 20)
        let headers = output.split(separator: "\n").filter { $0.hasPrefix("x.yaml:1:") && $0.contains(": error:") }
        #expect(headers.count == DiagnosticRenderer.maxTextDiagnostics)
        #expect(output.hasSuffix("… and 9800 more errors not shown; use --diagnostics-format json for all\n"))
        var json = ""
        DiagnosticRenderer.renderJSON([("x.yaml", diagnostics)], to: &json)
        #expect(json.components(separatedBy: "\"code\"").count - 1 == 10_000)
    }

    /// A valid one-line JSON spec of 5,000 jobs, each rounded to the granule:
    /// the text shows 200 warnings, each with a window of the 180 KB line.
    @Test func fiveThousandWarningsOnOneLineOfJSON() throws {
        let jobs = (0..<5_000).map { #"{"name": "j\#($0)", "memory": "1000"}"# }.joined(separator: ", ")
        let text = #"{"version": 1, "machines": [{"name": "m", "memory": "64Gi", "monitor": "32Mi", "oses": "#
            + #"[{"name": "a", "role": "active", "memory": "32Gi", "kernel": "32Mi", "jobs": [\#(jobs)]}]}]}"#
        let (output, diagnostics) = Self.render(text)
        #expect(!diagnostics.hasErrors)
        #expect(diagnostics.warningCount == 5_000)
        #expect(output.utf8.count < 200 * 1_000)
        #expect(output.hasSuffix("… and 4800 more warnings not shown; use --diagnostics-format json for all\n"))
        let last = try #require(diagnostics.sorted.dropFirst(199).first)
        let excerpt = try #require(Self.excerpt(in: output.replacingOccurrences(of: ": warning:", with: ": error:"), at: last.location))
        #expect(String(Self.underCaret(excerpt)).hasPrefix(#""1000""#))
    }

    @Test func theClosingLineCountsErrorsAndWarnings() {
        let rest = [Diagnostic.error("a", "m", at: .start)] + Array(repeating: .warning("b", "m", at: .start), count: 2)
        #expect(DiagnosticRenderer.omitted(rest[...]) == "… and 1 more error and 2 more warnings not shown; use --diagnostics-format json for all\n")
    }

    /// libyaml ends lines at CR, NEL, LS and PS too: the excerpt is the line the
    /// reported number names.
    @Test(arguments: ["\r", "\r\n", "\u{85}", "\u{2028}", "\u{2029}"])
    func everyLineBreakCountsTheSameForTheLineAndTheExcerpt(_ lineBreak: String) throws {
        let text = "version: 1\(lineBreak)machines: []\(lineBreak)bad: 1\(lineBreak)"
        let (output, diagnostics) = Self.render(text)
        let unknown = try #require(diagnostics.all.first { $0.code == .unknownKey })
        #expect(unknown.location == StandbyKit.SourceLocation(line: 3, column: 1))
        let excerpt = try #require(Self.excerpt(in: output, at: unknown.location))
        #expect(excerpt.text == "bad: 1")
        #expect(Self.isSafe(output))
    }

    /// An encoding error is located by the reader itself, counting the same breaks.
    @Test(arguments: ["\r", "\r\n", "\u{85}", "\u{2028}", "\u{2029}"])
    func anEncodingErrorCountsTheSameLineBreaks(_ lineBreak: String) throws {
        let text = "version: 1\(lineBreak)machines: []\(lineBreak)bad\u{1}: 1\n"
        let (output, diagnostics) = Self.render(text)
        let error = try #require(diagnostics.all.first)
        #expect(error.code == .invalidEncoding)
        #expect(error.location == StandbyKit.SourceLocation(line: 3, column: 4))
        let excerpt = try #require(Self.excerpt(in: output, at: error.location))
        #expect(excerpt.text == #"bad\u{1}: 1"#)
        #expect(excerpt.pad == "   ")
    }
}

/// A library user sets the reader's limits with `import StandbyKit` alone
/// (this file imports nothing else of the package).
@Suite struct LibraryLimitsTests {
    @Test func yamlLimitsComeWithStandbyKit() {
        #expect(YAMLLimits.default.maxDepth == 64)
        let source = SourceFile(path: "x.yaml", bytes: Array("version: 1\nmachines: []\n".utf8))
        let (_, diagnostics) = Pipeline.compile(source, limits: YAMLLimits(maxInputBytes: 10))
        #expect(diagnostics.all.map(\.code) == [.inputTooLarge])
    }
}
