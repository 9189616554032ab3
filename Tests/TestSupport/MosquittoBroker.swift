import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A real mosquitto broker (`/usr/sbin/mosquitto`) on 127.0.0.1 and free ports, with its own
/// configuration, persistence and log in a temporary directory.
///
/// Configured the way the bridge needs a broker: persistence on, `max_queued_messages 0`
/// (unlimited in 2.0.11), `max_inflight_messages 1000`. `stop()`/`kill()` and `start()` again
/// reuse the same ports and persistence, for restart tests.
public final class MosquittoBroker: @unchecked Sendable {
    public struct Options: Sendable {
        public var allowAnonymous: Bool = true
        /// User name to password; written with `mosquitto_passwd -b`.
        public var users: [String: String] = [:]
        /// Adds a TLS listener (`tlsPort`) with generated certificates.
        public var tls: Bool = false
        /// Makes the TLS listener require a client certificate signed by the test CA.
        public var requireClientCertificate: Bool = false
        /// Extra lines appended to mosquitto.conf.
        public var extraConfiguration: [String] = []

        public init(
            allowAnonymous: Bool = true, users: [String: String] = [:], tls: Bool = false,
            requireClientCertificate: Bool = false, extraConfiguration: [String] = []
        ) {
            self.allowAnonymous = allowAnonymous
            self.users = users
            self.tls = tls
            self.requireClientCertificate = requireClientCertificate
            self.extraConfiguration = extraConfiguration
        }
    }

    public let host = "127.0.0.1"
    public let port: UInt16
    public let tlsPort: UInt16?
    public let options: Options
    public let directory: TemporaryDirectory
    public let certificates: TestCertificates?
    public let configurationPath: String
    public let logPath: String
    public let passwordFilePath: String?

    private let lock = NSLock()
    private var process: ChildProcess?
    private var starts = 0

    /// Writes the configuration and starts the broker; returns once it accepts connections.
    public init(options: Options = Options()) throws {
        self.options = options
        directory = try TemporaryDirectory(prefix: "mosquitto")
        port = FreePort.next()
        tlsPort = options.tls ? FreePort.next() : nil
        configurationPath = directory.file("mosquitto.conf")
        logPath = directory.file("mosquitto.log")
        certificates = options.tls ? try TestCertificates(directory: directory.path) : nil

        if options.users.isEmpty {
            passwordFilePath = nil
        } else {
            let file = directory.file("passwords")
            for (index, (user, password)) in options.users.sorted(by: { $0.key < $1.key }).enumerated() {
                let create = index == 0 ? ["-c"] : []
                let child = try ChildProcess(
                    executable: "/usr/bin/mosquitto_passwd", arguments: create + ["-b", file, user, password],
                    outputDirectory: directory.path, name: "mosquitto_passwd")
                try child.runToCompletion(timeout: .seconds(10))
            }
            passwordFilePath = file
        }
        try configuration().write(toFile: configurationPath, atomically: true, encoding: .utf8)
        try start()
    }

    /// `mqtt://127.0.0.1:<port>`.
    public var url: String { "mqtt://\(host):\(port)" }

    /// `mqtts://127.0.0.1:<tlsPort>` (only with `tls`).
    public var tlsURL: String? { tlsPort.map { "mqtts://\(host):\($0)" } }

    public var isRunning: Bool {
        lock.lock()
        defer { lock.unlock() }
        return process?.isRunning ?? false
    }

    /// Starts (or restarts) the broker and waits until every listener accepts TCP connections.
    public func start() throws {
        lock.lock()
        defer { lock.unlock() }
        if process?.isRunning == true { return }
        starts += 1
        let child = try ChildProcess(
            executable: "/usr/sbin/mosquitto", arguments: ["-c", configurationPath],
            outputDirectory: directory.path, name: "mosquitto-\(starts)")
        try child.launch()
        process = child
        let ports = [port] + (tlsPort.map { [$0] } ?? [])
        let ready = waitUntil(timeout: .seconds(10)) {
            !child.isRunning || ports.allSatisfy { FreePort.isAccepting($0) }
        }
        guard ready, child.isRunning else {
            child.kill()
            throw TestSupportError("""
                mosquitto did not start on port \(port)\(ready ? " (it exited)" : "")
                stderr: \(child.standardError)
                log: \(log())
                """)
        }
    }

    /// SIGTERM and wait: a clean shutdown that saves the persistence file.
    public func stop() throws {
        try end(signal: SIGTERM)
    }

    /// SIGKILL and wait: a crash; nothing is saved.
    public func kill() throws {
        try end(signal: SIGKILL)
    }

    private func end(signal: Int32) throws {
        lock.lock()
        let child = process
        process = nil
        lock.unlock()
        guard let child, child.isRunning else { return }
        child.send(signal: signal)
        try child.waitUntilExit(timeout: .seconds(10))
    }

    /// The broker's log so far, for failure messages.
    public func log() -> String {
        guard let data = FileManager.default.contents(atPath: logPath) else { return "" }
        return String(decoding: data, as: UTF8.self)
    }

    /// Options for `mosquitto_pub`/`mosquitto_sub` against this broker.
    public func clientOptions(tls: Bool = false, username: String? = nil, password: String? = nil) -> MosquittoClientOptions {
        var options = MosquittoClientOptions(host: host, port: tls ? (tlsPort ?? port) : port)
        if tls {
            options.caFile = certificates?.caFile
            if self.options.requireClientCertificate {
                options.certFile = certificates?.clientCertFile
                options.keyFile = certificates?.clientKeyFile
            }
        }
        options.username = username
        options.password = password
        return options
    }

    deinit {
        if let process, process.isRunning {
            process.kill()
            _ = try? process.waitUntilExit(timeout: .seconds(10))
        }
    }

    private func configuration() -> String {
        var lines = [
            "per_listener_settings false",
            "allow_anonymous \(options.allowAnonymous)",
            "persistence true",
            "persistence_location \(directory.path)/",
            "persistence_file mosquitto.db",
            "max_queued_messages 0",
            "max_inflight_messages 1000",
            "set_tcp_nodelay true",
            "log_dest file \(logPath)",
            "log_type error",
            "log_type warning",
            "log_type notice",
            "log_type information",
            "log_type subscribe",
            "connection_messages true",
            "log_timestamp true",
        ]
        if getuid() == 0 {
            lines.append("user root")  // keep access to the 0700 temporary directory
        }
        if let passwordFilePath {
            lines.append("password_file \(passwordFilePath)")
        }
        lines.append("listener \(port) \(host)")
        if let tlsPort, let certificates {
            lines += [
                "listener \(tlsPort) \(host)",
                "cafile \(certificates.caFile)",
                "certfile \(certificates.serverCertFile)",
                "keyfile \(certificates.serverKeyFile)",
                "require_certificate \(options.requireClientCertificate)",
            ]
        }
        lines += options.extraConfiguration
        return lines.joined(separator: "\n") + "\n"
    }
}
