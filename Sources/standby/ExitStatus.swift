/// The exit statuses of every command, and what each means: the one table
/// the root command's help (`standby --help`) and the man page's EXIT STATUS
/// section (`scripts/update-manual` reads it from that help) are made from.
/// sysexits.h where one fits.
enum ExitStatus: Int32, CaseIterable {
    case ok = 0
    /// The spec has errors (or warnings, with `--strict`).
    case specErrors = 1
    /// The spec is valid but some fault is not covered.
    case uncovered = 2
    /// `diff`: some case the old spec covered (or did not have) is not covered by the new one.
    case regression = 3
    /// Bad command line (ArgumentParser's own validation errors use it too).
    case usage = 64
    /// A spec could not be read.
    case inputUnreadable = 66
    /// The output could not be written.
    case outputFailed = 74

    /// What the status means, for every command.
    var meaning: String {
        switch self {
        case .ok:
            "success: every case covered (plan, fix), every kind reaching --max-k (tolerate), no case newly "
                + "uncovered (diff), every machine lasting the horizon (runway); headroom always, with its answer"
        case .specErrors: "the spec has errors (or warnings, with --strict)"
        case .uncovered:
            "the spec is valid but some case is not covered (plan: the report is still complete); fix: some "
                + "case stays uncovered whatever the memory; tolerate: some kind does not reach --max-k; runway: "
                + "some machine runs out within the horizon"
        case .regression: "diff: some case is newly uncovered (a regression)"
        case .usage:
            "bad command line: an unknown command or option, a bad value, a --format that contradicts the "
                + "output's extension, an output that is the spec being read"
        case .inputUnreadable: "a spec could not be read"
        case .outputFailed:
            "the output could not be written; fix --in-place: the spec could not be rewritten safely"
        }
    }

    /// The heading of the list in the help; `scripts/update-manual` finds the
    /// list by it.
    static let heading = "Exit status:"

    /// The table as the help shows it: the heading, then per status its
    /// number right-aligned in three columns, two spaces and its meaning,
    /// wrapped at 79 columns with its continuation lines indented five
    /// spaces (ArgumentParser would wrap it to the left margin).
    static var helpText: String {
        var text = heading
        for status in allCases {
            let number = String(status.rawValue)
            var line = String(repeating: " ", count: 3 - number.count) + number + " "
            for word in status.meaning.split(separator: " ") {
                if line.count + 1 + word.count > 79 {
                    text += "\n" + line
                    line = String(repeating: " ", count: 4)
                }
                line += " " + word
            }
            text += "\n" + line
        }
        return text
    }
}
