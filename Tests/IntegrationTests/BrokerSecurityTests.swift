import Foundation
import Storage
import TestSupport
import XCTest

/// TLS with a CA the test generates, user name and password, and what a wrong password looks like.
final class BrokerSecurityTests: XCTestCase {
    private var directory: TemporaryDirectory!

    override func setUpWithError() throws {
        directory = try TemporaryDirectory(prefix: "security-test")
    }

    override func tearDownWithError() throws {
        directory.remove()
    }

    func testTLSWithCAAndPasswordStoresReadings() throws {
        let broker = try MosquittoBroker(options: .init(allowAnonymous: false, users: ["bridge": "s3cret", "sensor": "pw"], tls: true))
        defer { try? broker.stop() }
        let certificates = try XCTUnwrap(broker.certificates)
        let tlsURL = try XCTUnwrap(broker.tlsURL)
        let passwordFile = directory.file("password")
        try "s3cret\n".write(toFile: passwordFile, atomically: true, encoding: .utf8)
        let database = directory.file("tls.sqlite")
        let bridge = try BridgeProcess.run(
            broker: tlsURL, database: database, directory: directory,
            extra: ["--ca-file", certificates.caFile, "--username", "bridge", "--password-file", passwordFile])
        defer { bridge.child.kill() }

        try MosquittoClients.publish(
            broker.clientOptions(tls: true, username: "sensor", password: "pw"),
            topic: "greenhouse/south/gh-02/climate", payload: .text(#"{"ts":1795428900000,"temp":19.5,"hum":61}"#), qos: 1)
        try waitForStore(database) { try $0.readingCount() == 2 }
        XCTAssertEqual(try TelemetryStore(path: database).readings(device: "gh-02", metric: "humidity").map(\.value), [61])
        XCTAssertFalse(bridge.child.standardError.contains("s3cret"), "the password is never logged")
    }

    func testWrongPasswordFailsFastWithAClearError() throws {
        let broker = try MosquittoBroker(options: .init(allowAnonymous: false, users: ["bridge": "right"]))
        defer { try? broker.stop() }
        let result = try BridgeProcess.command(
            ["run", "--broker", broker.url, "--db", directory.file("x.sqlite"), "--devices", RepositoryPaths.devices,
             "--username", "bridge"],
            directory: directory, name: "wrong-password", environment: ["TELEMETRY_BRIDGE_PASSWORD": "wrong"])
        XCTAssertEqual(result.status, 1)
        XCTAssertTrue(result.stderr.lowercased().contains("password") || result.stderr.contains("not authori"),
                      result.stderr)
        XCTAssertFalse(result.stderr.contains("wrong\n") || result.stderr.contains("'wrong'"), "password not echoed")
    }
}
