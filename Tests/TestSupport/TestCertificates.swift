import Foundation

/// A throwaway certificate authority with a server certificate for 127.0.0.1/localhost and a
/// client certificate, generated with the `openssl` command (EC P-256 keys, valid two days).
public struct TestCertificates: Sendable {
    public let caFile: String
    public let caKeyFile: String
    public let serverCertFile: String
    public let serverKeyFile: String
    public let clientCertFile: String
    public let clientKeyFile: String

    /// Generates everything into `directory`.
    public init(directory: String, commonName: String = "telemetry-bridge test CA") throws {
        func path(_ name: String) -> String { (directory as NSString).appendingPathComponent(name) }
        caFile = path("ca.crt")
        caKeyFile = path("ca.key")
        serverCertFile = path("server.crt")
        serverKeyFile = path("server.key")
        clientCertFile = path("client.crt")
        clientKeyFile = path("client.key")

        let keyOptions = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
        try Self.openssl(["req", "-x509"] + keyOptions + [
            "-keyout", caKeyFile, "-out", caFile, "-days", "2", "-subj", "/CN=\(commonName)",
            "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign",
        ], in: directory)
        try Self.issue(name: "server", subject: "/CN=localhost", extensions: """
            basicConstraints=CA:FALSE
            keyUsage=digitalSignature,keyEncipherment
            extendedKeyUsage=serverAuth
            subjectAltName=DNS:localhost,IP:127.0.0.1
            """, keyOptions: keyOptions, ca: (caFile, caKeyFile), directory: directory)
        try Self.issue(name: "client", subject: "/CN=telemetry-bridge-test-client", extensions: """
            basicConstraints=CA:FALSE
            keyUsage=digitalSignature
            extendedKeyUsage=clientAuth
            """, keyOptions: keyOptions, ca: (caFile, caKeyFile), directory: directory)
    }

    private static func issue(
        name: String, subject: String, extensions: String, keyOptions: [String],
        ca: (cert: String, key: String), directory: String
    ) throws {
        func path(_ file: String) -> String { (directory as NSString).appendingPathComponent(file) }
        try extensions.write(toFile: path("\(name).ext"), atomically: true, encoding: .utf8)
        try openssl(["req", "-new"] + keyOptions + [
            "-keyout", path("\(name).key"), "-out", path("\(name).csr"), "-subj", subject,
        ], in: directory)
        try openssl([
            "x509", "-req", "-in", path("\(name).csr"), "-CA", ca.cert, "-CAkey", ca.key, "-CAcreateserial",
            "-out", path("\(name).crt"), "-days", "2", "-extfile", path("\(name).ext"),
        ], in: directory)
    }

    private static func openssl(_ arguments: [String], in directory: String) throws {
        let child = try ChildProcess(executable: "/usr/bin/openssl", arguments: arguments, outputDirectory: directory, name: "openssl")
        try child.runToCompletion(timeout: .seconds(30))
    }
}
