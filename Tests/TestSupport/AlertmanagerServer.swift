import Foundation

/// A real Alertmanager (Debian's `prometheus-alertmanager`) on a free loopback port, clustering
/// off, routing every alert to a webhook receiver at `webhookURL` with `send_resolved`.
public final class AlertmanagerServer: @unchecked Sendable {
    public static let executable = "/usr/bin/prometheus-alertmanager"
    public let port: UInt16
    public let directory: TemporaryDirectory
    private let process: ChildProcess

    /// Whether the binary is installed (`.ci/run` installs it). Under CI (`CI` set) a missing
    /// Alertmanager is an error, not a reason to skip.
    public static var isInstalled: Bool {
        FileManager.default.isExecutableFile(atPath: executable) || ProcessInfo.processInfo.environment["CI"] != nil
    }

    public init(webhookURL: String) throws {
        directory = try TemporaryDirectory(prefix: "alertmanager")
        port = FreePort.next()
        let configuration = """
            route:
              receiver: test
              group_by: ['alertname', 'device']
              group_wait: 0s
              group_interval: 1s
              repeat_interval: 1h
            receivers:
              - name: test
                webhook_configs:
                  - url: '\(webhookURL)'
                    send_resolved: true
            """
        try configuration.write(toFile: directory.file("alertmanager.yml"), atomically: true, encoding: .utf8)
        process = try ChildProcess(executable: Self.executable, arguments: [
            "--config.file=\(directory.file("alertmanager.yml"))", "--storage.path=\(directory.file("data"))",
            "--web.listen-address=127.0.0.1:\(port)", "--cluster.listen-address=",
        ], outputDirectory: directory.path, name: "alertmanager")
        try process.launch()
        let ready = waitUntil(timeout: .seconds(20)) { !self.process.isRunning || FreePort.isAccepting(self.port) }
        guard ready, process.isRunning else {
            process.kill()
            throw TestSupportError("alertmanager did not start on port \(port): \(process.standardError)")
        }
    }

    deinit {
        process.terminate()
        _ = try? process.waitUntilExit(timeout: .seconds(10))
        directory.remove()
    }

    public var url: String { "http://127.0.0.1:\(port)" }

    /// `GET /api/v2/alerts` (active, silenced, inhibited and, with `resolved`, … as the API gives them).
    public func alerts() throws -> [[String: Any]] {
        guard let url = URL(string: url + "/api/v2/alerts") else { throw TestSupportError("bad URL") }
        let data = try Data(contentsOf: url)
        guard let alerts = try JSONSerialization.jsonObject(with: data) as? [[String: Any]] else {
            throw TestSupportError("not a list of alerts: \(String(decoding: data, as: UTF8.self))")
        }
        return alerts
    }

    /// `GET /api/v2/silences`.
    public func silences() throws -> [[String: Any]] {
        guard let url = URL(string: url + "/api/v2/silences") else { throw TestSupportError("bad URL") }
        let data = try Data(contentsOf: url)
        guard let silences = try JSONSerialization.jsonObject(with: data) as? [[String: Any]] else {
            throw TestSupportError("not a list of silences: \(String(decoding: data, as: UTF8.self))")
        }
        return silences
    }

    public var log: String { process.standardError }
}
