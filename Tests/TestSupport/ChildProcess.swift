import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A program run as a child process, its stdout and stderr going to files (so nothing blocks on
/// a full pipe) that tests can read and wait on.
public final class ChildProcess: @unchecked Sendable {
    public let executable: String
    public let arguments: [String]
    public let standardOutputPath: String
    public let standardErrorPath: String

    private let process = Process()
    private let inputPipe: Pipe?
    private let ownDirectory: TemporaryDirectory?

    /// - Parameters:
    ///   - outputDirectory: where `<name>.stdout`/`.stderr` go; a temporary directory by default.
    ///   - standardInput: keep a pipe open to the child's stdin for `write(toStandardInput:)`.
    public init(
        executable: String,
        arguments: [String] = [],
        environment: [String: String]? = nil,
        workingDirectory: String? = nil,
        outputDirectory: String? = nil,
        name: String? = nil,
        standardInput: Bool = false
    ) throws {
        self.executable = executable
        self.arguments = arguments
        let directory: String
        if let outputDirectory {
            directory = outputDirectory
            ownDirectory = nil
        } else {
            let temporary = try TemporaryDirectory(prefix: "child-process")
            directory = temporary.path
            ownDirectory = temporary
        }
        let base = name ?? (executable as NSString).lastPathComponent
        standardOutputPath = (directory as NSString).appendingPathComponent("\(base).stdout")
        standardErrorPath = (directory as NSString).appendingPathComponent("\(base).stderr")
        guard FileManager.default.createFile(atPath: standardOutputPath, contents: nil),
              FileManager.default.createFile(atPath: standardErrorPath, contents: nil),
              let stdout = FileHandle(forWritingAtPath: standardOutputPath),
              let stderr = FileHandle(forWritingAtPath: standardErrorPath) else {
            throw TestSupportError("cannot create output files in \(directory)")
        }
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if let environment { process.environment = environment }
        if let workingDirectory { process.currentDirectoryURL = URL(fileURLWithPath: workingDirectory) }
        process.standardOutput = stdout
        process.standardError = stderr
        if standardInput {
            let pipe = Pipe()
            process.standardInput = pipe
            inputPipe = pipe
        } else {
            process.standardInput = FileHandle.nullDevice
            inputPipe = nil
        }
    }

    /// Starts the program.
    public func launch() throws {
        do {
            try process.run()
        } catch {
            throw TestSupportError("cannot launch \(executable): \(error)")
        }
    }

    /// Creates and starts a child in one step.
    public static func launch(
        _ executable: String,
        _ arguments: [String] = [],
        environment: [String: String]? = nil,
        outputDirectory: String? = nil,
        name: String? = nil,
        standardInput: Bool = false
    ) throws -> ChildProcess {
        let child = try ChildProcess(
            executable: executable, arguments: arguments, environment: environment,
            outputDirectory: outputDirectory, name: name, standardInput: standardInput)
        try child.launch()
        return child
    }

    public var processIdentifier: Int32 { process.processIdentifier }
    public var isRunning: Bool { process.isRunning }

    public var standardOutput: String { Self.read(standardOutputPath) }
    public var standardError: String { Self.read(standardErrorPath) }

    /// Complete lines written to stdout so far.
    public var outputLines: [String] {
        var text = standardOutput
        guard let lastNewline = text.lastIndex(of: "\n") else { return [] }
        text = String(text[..<lastNewline])
        return text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    }

    public func write(toStandardInput data: Data) throws {
        guard let inputPipe else { throw TestSupportError("\(executable) was started without a stdin pipe") }
        try inputPipe.fileHandleForWriting.write(contentsOf: data)
    }

    public func closeStandardInput() {
        try? inputPipe?.fileHandleForWriting.close()
    }

    /// Waits until stdout or stderr contains `text`.
    public func waitForOutput(containing text: String, timeout: Duration) throws {
        let found = waitUntil(timeout: timeout) {
            standardOutput.contains(text) || standardError.contains(text) || !isRunning
        }
        if standardOutput.contains(text) || standardError.contains(text) { return }
        throw TestSupportError("""
            \(executable) did not print '\(text)' within \(timeout)\(found ? " (it exited)" : "")
            stdout: \(standardOutput)
            stderr: \(standardError)
            """)
    }

    /// SIGTERM.
    public func terminate() {
        if process.isRunning { Glibc.kill(process.processIdentifier, SIGTERM) }
    }

    /// SIGKILL.
    public func kill() {
        if process.isRunning { Glibc.kill(process.processIdentifier, SIGKILL) }
    }

    /// Sends `signal` (SIGHUP for a reload, say).
    public func send(signal: Int32) {
        if process.isRunning { Glibc.kill(process.processIdentifier, signal) }
    }

    /// Waits for the child to exit and returns its exit status (128 + signal if killed).
    @discardableResult
    public func waitUntilExit(timeout: Duration) throws -> Int32 {
        let exited = waitUntil(timeout: timeout, interval: .milliseconds(5)) { !process.isRunning }
        guard exited else {
            throw TestSupportError("\(executable) still running after \(timeout)\nstderr: \(standardError)")
        }
        process.waitUntilExit()
        switch process.terminationReason {
        case .exit: return process.terminationStatus
        case .uncaughtSignal: return 128 + process.terminationStatus
        @unknown default: return process.terminationStatus
        }
    }

    /// Runs to completion and throws, with its output, unless it exits with 0.
    public func runToCompletion(timeout: Duration) throws {
        try launch()
        closeStandardInput()
        let status = try waitUntilExit(timeout: timeout)
        if status != 0 {
            throw TestSupportError("""
                \(executable) \(arguments.joined(separator: " ")) exited with \(status)
                stdout: \(standardOutput)
                stderr: \(standardError)
                """)
        }
    }

    deinit {
        if process.isRunning {
            Glibc.kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }

    private static func read(_ path: String) -> String {
        guard let data = FileManager.default.contents(atPath: path) else { return "" }
        return String(decoding: data, as: UTF8.self)
    }
}
