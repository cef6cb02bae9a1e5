import ArgumentParser
import StandbyKit

/// A failure that ends a command with a message on standard error and a status.
struct CommandFailure: Error {
    var status: ExitStatus
    var message: String
    init(_ status: ExitStatus, _ message: String) {
        self.status = status
        self.message = message
    }
}

/// The `standby` command: its subcommands, and one style for every error it prints.
@main
struct Standby: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "standby",
        abstract: "Plan memory for hot-standby virtual-machine systems.",
        discussion: """
            Reads a YAML spec of machines, OSes, jobs and fault policies; checks it \
            (validate), builds the start-up resource table (compile), and simulates \
            every single fault to size the standbys and the pool (plan).

            """ + "\n" + ExitStatus.helpText,
        version: FindingRenderer.toolVersion,
        subcommands: [ValidateCommand.self, CompileCommand.self, PlanCommand.self, FixCommand.self, PlaceCommand.self, DiffCommand.self, TolerateCommand.self,
            HeadroomCommand.self, RunwayCommand.self]
    )

    /// ArgumentParser's own errors (unknown options, bad values, failed
    /// validation) read like the command's: `standby: error: …`, followed by
    /// ArgumentParser's usage line and help hint, status 64.
    static var _errorPrefix: String { "standby: error: " }

    /// Parses and runs, adding a suggestion when the subcommand is mistyped
    /// (ArgumentParser suggests options, not subcommands).
    static func main() {
        let arguments = Array(CommandLine.arguments.dropFirst())
        do {
            var command = try parseAsRoot(arguments)
            try command.run()
        } catch {
            if exitCode(for: error) == .validationFailure, let message = unknownCommand(arguments) {
                // Keep ArgumentParser's usage line and hint; replace only its first line.
                let rest = fullMessage(for: error).split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: false)
                var err = StandardError()
                err.write(_errorPrefix + message + "\n" + (rest.count > 1 ? rest[1] + "\n" : ""))
                exitProcess(ExitCode.validationFailure.rawValue)
            }
            exit(withError: error)
        }
    }

    /// The message for a first argument that names no subcommand (nor an
    /// option), with the nearest subcommand names; `nil` when the first
    /// argument is not the problem.
    static func unknownCommand(_ arguments: [String]) -> String? {
        guard let word = arguments.first, !word.hasPrefix("-") else { return nil }
        let commands = configuration.subcommands.compactMap { $0.configuration.commandName }
        let names = commands + ["help"]
        guard !names.contains(word) else { return nil }
        let near = names.filter { $0.hasPrefix(word) && word.count > 1 }
            + suggestions(for: word, among: names, maxDistance: suggestionDistance(for: word))
        var unique: [String] = []
        for name in near where !unique.contains(name) { unique.append(name) }
        guard !unique.isEmpty else {
            return "unknown command '\(word)'; the commands are \(commands.joined(separator: ", "))"
        }
        return "unknown command '\(word)'; did you mean \(unique.map { "'\($0)'" }.joined(separator: " or "))?"
    }
}

/// The C library's `exit`, which ArgumentParser's `exit(withError:)` shadows
/// inside a command type.
private func exitProcess(_ status: Int32) -> Never {
    Platform.end(status)
}

/// Runs a command body, turning failures into a message and an exit status.
func runCommand(_ body: () throws(CommandFailure) -> ExitStatus) throws -> Never {
    // A closed pipe (`| head`) must end the run quietly, not kill it with SIGPIPE.
    Platform.ignoreBrokenPipe()
    let status: ExitStatus
    do {
        status = try body()
    } catch {
        report(error)
        status = error.status
    }
    Platform.end(status.rawValue)
}

/// What a command built last (a fleet's spec, its tables, the planner's
/// index), held until the process exits.
///
/// Freeing hundreds of thousands of values one at a time takes a fleet's run
/// a noticeable time that the exit then takes back at once, so, as compilers
/// do, the command leaves its last large values to the system. Only values a
/// command is done with go here, and only a few per run.
nonisolated(unsafe) private var keptUntilExit: [Any] = []

func keepUntilExit(_ value: Any) {
    keptUntilExit.append(value)
}

/// Shows a failure's message (if it has one) on standard error.
func report(_ failure: CommandFailure) {
    guard !failure.message.isEmpty else { return }
    var err = StandardError()
    // Paths and names in the message come from the user: made safe for a terminal.
    err.write("standby: error: \(TerminalText.escaped(failure.message))\n")
}
