import Foundation
import Testing

/// The man page, docs/standby.1, stays in step with the argument parser.
///
/// The page is made by swift-argument-parser's manual plugin
/// (`scripts/update-manual`), a command plugin a test cannot run. The plugin
/// builds the page from the parser's own description of the command line, the
/// dump `standby --experimental-dump-help` prints. So the dump the page was
/// made from is committed beside it, docs/standby-help.json, and this suite
/// checks both links of the chain: the binary still gives that dump (no option,
/// value or text changed since the page was made), and the page carries every
/// command, text and option of that dump (the page was made from it, not left
/// behind or edited by hand). Comparing the dump, not a rendering of our own,
/// keeps the check free of the plugin's layout and date.
@Suite struct Manual {
    static func json(_ data: Data) throws -> String {
        let object = try JSONSerialization.jsonObject(with: data)
        let normal = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .prettyPrinted])
        return String(decoding: normal, as: UTF8.self)
    }

    static var committedDump: Data {
        get throws { try Data(contentsOf: URL(fileURLWithPath: CLI.path("docs/standby-help.json"))) }
    }

    @Test func binaryGivesTheCommittedDump() throws {
        let r = try CLI.run(["--experimental-dump-help"])
        #expect(r.status == 0)
        let current = try Self.json(r.stdout)
        let committed = try Self.json(try Self.committedDump)
        #expect(current == committed, "the command line changed: run scripts/update-manual")
    }

    /// One command of the dump and what the page must say of it.
    struct Command {
        var name: String
        var texts: [String]
        var items: [String]
    }

    /// Every command the dump shows, depth first, with its abstract, discussion
    /// paragraphs, and the `.It` heads of its shown arguments and of their
    /// described values as the plugin writes them (`Fl o , -output Ar file`,
    /// `Ar spec`, `Ar json`).
    static func commands(_ command: [String: Any]) -> [Command] {
        var texts: [String] = []
        if let abstract = command["abstract"] as? String { texts.append(abstract) }
        if let discussion = command["discussion"] as? String {
            // The exit statuses are the page's EXIT STATUS section (``exitStatuses``).
            texts += discussion.split(separator: "\n").map(String.init).prefix { $0 != "Exit status:" }
        }
        var items: [String] = []
        for argument in command["arguments"] as? [[String: Any]] ?? [] where argument["shouldDisplay"] as? Bool == true {
            let names = (argument["names"] as? [[String: String]] ?? []).map {
                $0["kind"] == "long" ? "-" + ($0["name"] ?? "") : ($0["name"] ?? "")
            }
            let value = (argument["valueName"] as? String ?? "") + (argument["isRepeating"] as? Bool == true ? "..." : "")
            switch argument["kind"] as? String {
            case "positional": items.append(".It Ar \(value)")
            case "option": items.append(".It Fl \(names.joined(separator: " , ")) Ar \(value)")
            default: items.append(".It Fl \(names.joined(separator: " , "))")
            }
            if let abstract = argument["abstract"] as? String { texts.append(abstract) }
            // Values with a description each (the formats) are listed under their option.
            if let described = argument["allValueDescriptions"] as? [String: String] {
                for (value, description) in described.sorted(by: { $0.key < $1.key }) {
                    items.append(".It Ar \(value)")
                    texts.append(description)
                }
            }
        }
        let own = Command(name: command["commandName"] as? String ?? "", texts: texts, items: items)
        let shown = (command["subcommands"] as? [[String: Any]] ?? []).filter { $0["shouldDisplay"] as? Bool == true }
        return [own] + shown.flatMap(commands)
    }

    @Test func pageCarriesTheCommittedDump() throws {
        let page = try String(contentsOfFile: CLI.path("docs/standby.1"), encoding: .utf8)
        let dump = try #require(try JSONSerialization.jsonObject(with: try Self.committedDump) as? [String: Any])
        let root = try #require(dump["command"] as? [String: Any])
        let all = Self.commands(root)
        #expect(all.map(\.name) == ["standby", "validate", "compile", "plan", "fix", "place", "diff", "tolerate", "headroom", "runway", "help"])
        // The root's part ends where the first subcommand's begins.
        let sections = page.components(separatedBy: "\n.It Em ")
        #expect(sections.count == all.count)
        for (command, section) in zip(all, sections) {
            if command.name != "standby" { #expect(section.hasPrefix(command.name + "\n")) }
            let lines = Set(section.split(separator: "\n").map(String.init))
            // Missing pieces, not the whole page, in a failure's message.
            #expect(command.texts.filter { !section.contains($0) } == [], "\(command.name)")
            #expect(command.items.filter { !lines.contains($0) } == [], "\(command.name)")
        }
    }

    /// The root's help ends with the table of exit statuses, a line per
    /// status (`  3  meaning`, continued on lines indented five spaces), as
    /// Sources/standby/ExitStatus.swift makes it: the statuses and meanings.
    static func exitStatuses(_ help: String) -> [(status: String, meaning: String)] {
        let lines = help.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        guard let start = lines.firstIndex(of: "Exit status:") else { return [] }
        var statuses: [(status: String, meaning: String)] = []
        for line in lines[(start + 1)...] {
            if let entry = line.wholeMatch(of: /^ {0,2}(\d{1,3})  (\S.*)$/) {
                statuses.append((String(entry.1), String(entry.2)))
            } else if line.hasPrefix("     "), !statuses.isEmpty {
                statuses[statuses.count - 1].meaning += " " + line.trimmingCharacters(in: .whitespaces)
            } else {
                break
            }
        }
        return statuses
    }

    /// One table, two renderings: `standby --help` lists every status the
    /// commands exit with, and the man page's EXIT STATUS section lists the
    /// same, each with the same meaning (scripts/update-manual makes it from
    /// the help); the DESCRIPTION does not repeat them, and the page has no
    /// blank line (mdoc warns about them).
    @Test func exitStatusesAreOneTableInTheHelpAndThePage() throws {
        let help = try CLI.run(["--help"])
        let statuses = Self.exitStatuses(help.out)
        #expect(statuses.map(\.status) == ["0", "1", "2", "3", "64", "66", "74"])
        #expect(statuses.first { $0.status == "3" }?.meaning.hasPrefix("diff: some case is newly uncovered") == true)
        let dump = try #require(try JSONSerialization.jsonObject(with: try Self.committedDump) as? [String: Any])
        let discussion = try #require((dump["command"] as? [String: Any])?["discussion"] as? String)
        #expect(Self.exitStatuses(discussion).map(\.meaning) == statuses.map(\.meaning))

        let page = try String(contentsOfFile: CLI.path("docs/standby.1"), encoding: .utf8)
        let section = try #require(page.components(separatedBy: ".Sh \"EXIT STATUS\"\n").last)
        #expect(!section.contains(".Ex -std"))
        var expected = ".Bl -tag -width 4n\n"
        for (status, meaning) in statuses { expected += ".It \(status)\n\(meaning)\n" }
        #expect(section.contains(expected + ".El"))
        #expect(!page.contains("Exit status:"))
        #expect(!page.split(separator: "\n", omittingEmptySubsequences: false).dropLast().contains(""))
    }
}
