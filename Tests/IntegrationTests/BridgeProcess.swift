import Foundation
import Storage
import TestSupport
import XCTest

/// The real `telemetry-bridge` executable, built next to the test bundle, run as a child process.
final class BridgeProcess {
    static var executable: String {
        let testBinary = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
            ?? CommandLine.arguments[0]
        return URL(fileURLWithPath: testBinary).deletingLastPathComponent().appendingPathComponent("telemetry-bridge").path
    }

    let child: ChildProcess

    private init(child: ChildProcess) {
        self.child = child
    }

    /// Runs `telemetry-bridge <arguments>` with a clean environment (no TELEMETRY_BRIDGE_* leaks in).
    /// `run` gets `--http off` unless the test sets the address (flag, environment or `--config`),
    /// so daemons under test never contend for the default port.
    static func launch(_ arguments: [String], directory: TemporaryDirectory, name: String,
                       environment: [String: String] = [:]) throws -> BridgeProcess
    {
        var env = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("TELEMETRY_BRIDGE_") }
        env.merge(environment) { _, new in new }
        var arguments = arguments
        if arguments.first == "run", !arguments.contains("--http"), !arguments.contains("--config"),
           env["TELEMETRY_BRIDGE_HTTP"] == nil, env["TELEMETRY_BRIDGE_CONFIG"] == nil
        {
            arguments += ["--http", "off"]
        }
        let child = try ChildProcess.launch(executable, arguments, environment: env,
                                            outputDirectory: directory.path, name: name)
        return BridgeProcess(child: child)
    }

    /// Starts the daemon and waits until it is connected and subscribed.
    static func run(broker: String, database: String, directory: TemporaryDirectory, name: String = "bridge",
                    clientID: String = "bridge-under-test", extra: [String] = []) throws -> BridgeProcess
    {
        let process = try launch(
            ["run", "--broker", broker, "--db", database, "--devices", RepositoryPaths.devices, "--client-id", clientID,
             "--summary-interval", "0"] + extra,
            directory: directory, name: name)
        do {
            try process.child.waitForOutput(containing: "ready", timeout: .seconds(30))
        } catch {
            process.child.kill()
            throw TestSupportError("bridge did not become ready: \(error)\n\(process.child.standardError)")
        }
        return process
    }

    /// Runs a command to completion and returns its exit status, standard output and standard error.
    static func command(_ arguments: [String], directory: TemporaryDirectory, name: String,
                        environment: [String: String] = [:]) throws -> (status: Int32, stdout: String, stderr: String)
    {
        let process = try launch(arguments, directory: directory, name: name, environment: environment)
        let status = try process.child.waitUntilExit(timeout: .seconds(60))
        return (status, process.child.standardOutput, process.child.standardError)
    }
}

/// Polls the database until `condition` holds; fails the test with what was last seen otherwise.
func waitForStore(_ path: String, timeout: Duration = .seconds(30), file: StaticString = #filePath, line: UInt = #line,
                  _ condition: (TelemetryStore) throws -> Bool) throws
{
    let store = try TelemetryStore(path: path)
    let satisfied = try waitUntil(timeout: timeout) { try condition(store) }
    if !satisfied {
        XCTFail("condition not met within \(timeout): \(try store.readingCount()) readings, "
                + "\(try store.deadLetterCount()) dead letters", file: file, line: line)
    }
}
