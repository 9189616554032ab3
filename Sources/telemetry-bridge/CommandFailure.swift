import ArgumentParser
import Bridge
import Foundation

/// Prints an error the way operators read them (one precise line per problem) and exits with
/// the documented code, instead of ArgumentParser's generic wording.
struct CommandFailure: Error {
    static func exit(_ message: String, code: Int32) -> ExitCode {
        printError("error: " + message)
        return ExitCode(code)
    }

    static func exit(_ error: BridgeError) -> ExitCode {
        exit(error.description, code: error.exitCode)
    }
}

/// One line on standard error: diagnostics and failures, never mixed into data on standard output.
func printError(_ text: String) {
    FileHandle.standardError.write(Data((text + "\n").utf8))
}
