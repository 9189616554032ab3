import Foundation

/// `mosquitto_sub` running in the background, collecting one line per received message.
///
/// Lines are formatted with `format` (mosquitto_sub `-F`, default `%t %p`: topic, space,
/// payload; `%x` gives the payload in hex). The initialiser returns once the broker acknowledged
/// the subscription, so messages published afterwards are seen.
public final class MosquittoSubscription: @unchecked Sendable {
    private static let marker = "<msg> "
    public let child: ChildProcess
    private let directory: TemporaryDirectory

    public init(
        _ options: MosquittoClientOptions,
        topics: [String],
        qos: Int = 1,
        format: String = "%t %p",
        extraArguments: [String] = [],
        timeout: Duration = .seconds(10)
    ) throws {
        directory = try TemporaryDirectory(prefix: "mosquitto_sub")
        var arguments = options.arguments + ["-q", String(qos), "-d", "-F", Self.marker + format]
        for topic in topics { arguments += ["-t", topic] }
        arguments += extraArguments
        // stdout is a file: without line buffering the lines would sit in stdio's buffer.
        child = try ChildProcess(
            executable: "/usr/bin/stdbuf", arguments: ["-oL", "/usr/bin/mosquitto_sub"] + arguments,
            outputDirectory: directory.path, name: "mosquitto_sub")
        try child.launch()
        // mosquitto_sub subscribes to all topics with one SUBSCRIBE; -d prints its SUBACK.
        let subscribed = waitUntil(timeout: timeout) {
            !child.isRunning || child.standardOutput.contains("Subscribed (mid")
        }
        guard subscribed, child.isRunning else {
            child.kill()
            throw TestSupportError("""
                mosquitto_sub did not subscribe to \(topics) within \(timeout)
                stdout: \(child.standardOutput)
                stderr: \(child.standardError)
                """)
        }
    }

    /// Received messages so far, formatted.
    public var lines: [String] {
        child.outputLines.compactMap { line in
            line.hasPrefix(Self.marker) ? String(line.dropFirst(Self.marker.count)) : nil
        }
    }

    /// Waits until at least `count` messages arrived and returns all received so far.
    @discardableResult
    public func waitForLines(count: Int, timeout: Duration) throws -> [String] {
        waitUntil(timeout: timeout) { lines.count >= count || !child.isRunning }
        let received = lines
        guard received.count >= count else {
            throw TestSupportError("""
                mosquitto_sub received \(received.count) of \(count) messages within \(timeout): \(received.suffix(10))
                stderr: \(child.standardError)
                """)
        }
        return received
    }

    public func stop() {
        child.terminate()
        _ = try? child.waitUntilExit(timeout: .seconds(5))
    }

    deinit {
        child.kill()
    }
}
