import Foundation

/// What `mosquitto_pub` sends.
public enum MosquittoPayload: Sendable {
    /// `-m text`.
    case text(String)
    /// Exact bytes, through a file (`-f`).
    case bytes([UInt8])
    /// A zero-length message (`-n`).
    case empty
    /// One message per line read from stdin (`-l`).
    case lines([String])
}

/// The mosquitto command-line clients, run to completion.
public enum MosquittoClients {
    /// Publishes with `/usr/bin/mosquitto_pub` and waits for it to exit successfully.
    public static func publish(
        _ options: MosquittoClientOptions,
        topic: String,
        payload: MosquittoPayload,
        qos: Int = 0,
        retain: Bool = false,
        extraArguments: [String] = [],
        timeout: Duration = .seconds(20)
    ) throws {
        let directory = try TemporaryDirectory(prefix: "mosquitto_pub")
        var arguments = options.arguments + ["-t", topic, "-q", String(qos)]
        if retain { arguments.append("-r") }
        var input: Data?
        switch payload {
        case .text(let text):
            arguments += ["-m", text]
        case .bytes(let bytes):
            let file = directory.file("payload")
            try Data(bytes).write(to: URL(fileURLWithPath: file))
            arguments += ["-f", file]
        case .empty:
            arguments.append("-n")
        case .lines(let lines):
            arguments.append("-l")
            input = Data(lines.map { $0 + "\n" }.joined().utf8)
        }
        arguments += extraArguments
        let child = try ChildProcess(
            executable: "/usr/bin/mosquitto_pub", arguments: arguments,
            outputDirectory: directory.path, standardInput: input != nil)
        try child.launch()
        if let input {
            try child.write(toStandardInput: input)
        }
        child.closeStandardInput()
        let status = try child.waitUntilExit(timeout: timeout)
        if status != 0 {
            throw TestSupportError("""
                mosquitto_pub \(arguments.joined(separator: " ")) exited with \(status)
                stdout: \(child.standardOutput)
                stderr: \(child.standardError)
                """)
        }
    }
}
