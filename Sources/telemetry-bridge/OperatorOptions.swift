import ArgumentParser
import Foundation
import Operations

/// `--by` and `--comment` of the commands that act on the alert log (`alerts ack`, `silence`,
/// `unsilence`); `--by` defaults to the login name.
struct OperatorOptions: ParsableArguments {
    @Option(help: "Who acts (kept in the log). Default: the login name ($USER).")
    var by: String?

    @Option(help: "Why (kept in the log).")
    var comment: String = ""

    func name() throws -> String {
        if let by { return by }
        let environment = ProcessInfo.processInfo.environment
        guard let user = environment["USER"] ?? environment["LOGNAME"], !user.isEmpty else {
            throw CommandFailure.exit("--by: say who you are (no $USER to default to)", code: 2)
        }
        return user
    }
}

extension OperatorError {
    /// Exits with the refusal on standard error: code 1 (the log is unchanged).
    var exit: ExitCode {
        CommandFailure.exit((parameter.map { "\($0): " } ?? "") + message, code: code == .invalid ? 2 : 1)
    }
}
