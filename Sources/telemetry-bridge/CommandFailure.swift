import ArgumentParser
import Bridge
import Foundation

/// Prints an error the way operators read them (one precise line per problem) and exits with
/// the documented code, instead of ArgumentParser's generic wording.
struct CommandFailure: Error {
    static func exit(_ message: String, code: Int32) -> ExitCode {
        FileHandle.standardError.write(Data(("error: " + message + "\n").utf8))
        return ExitCode(code)
    }

    static func exit(_ error: BridgeError) -> ExitCode {
        exit(error.description, code: error.exitCode)
    }
}
