import Bridge
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Storage
import TestSupport
import XCTest

/// `run --http` and `serve` as an operator meets them: the dashboard beside the daemon, its
/// health, API and metrics, `serve` over a database a run made, address errors, ordered shutdown.
final class MetricsCommandLineTests: XCTestCase {
    private var broker: MosquittoBroker?
    private var directory: TemporaryDirectory!
    private var processes: [ChildProcess] = []

    override func setUpWithError() throws {
        directory = try TemporaryDirectory(prefix: "http-cli-test")
    }

    override func tearDownWithError() throws {
        for process in processes { process.kill() }
        try? broker?.stop()
        directory.remove()
    }

    private var database: String { directory.file("telemetry.sqlite") }

    private func startBroker() throws -> MosquittoBroker {
        let broker = try MosquittoBroker()
        self.broker = broker
        return broker
    }

    func testRunServesHealthDevicesAndMetricsAndStopsWithTheDaemonOnSIGTERM() throws {
        let broker = try startBroker()
        let port = FreePort.next()
        let bridge = try BridgeProcess.run(broker: broker.url, database: database, directory: directory,
                                           extra: ["--http", "127.0.0.1:\(port)"])
        processes.append(bridge.child)
        try bridge.child.waitForOutput(containing: "dashboard listening", timeout: .seconds(10))
        XCTAssertTrue(bridge.child.standardError.contains("url=http://127.0.0.1:\(port)/"), bridge.child.standardError)

        try MosquittoClients.publish(broker.clientOptions(), topic: "greenhouse/north/gh-07/climate",
                                     payload: .text(#"{"ts":1795428900000,"temp":21.5,"hum":40}"#), qos: 1)
        try MosquittoClients.publish(broker.clientOptions(), topic: "greenhouse/north/gh-07/climate",
                                     payload: .text("{oops"), qos: 1)
        try waitForStore(database) { try $0.readingCount() == 2 && $0.deadLetterCount() == 1 }

        let health = try httpGet(port, "/healthz")
        XCTAssertEqual(health.status, 200, health.body)
        XCTAssertTrue(health.body.contains(#""broker":"connected""#), health.body)
        let devices = try httpGet(port, "/api/devices")
        XCTAssertEqual(devices.status, 200)
        let ids = (try JSONSerialization.jsonObject(with: Data(devices.body.utf8)) as? [[String: Any]])?.map { $0["id"] as? String }
        XCTAssertEqual(ids, ["gh-07"])
        let metrics = try httpGet(port, "/metrics")
        XCTAssertEqual(metrics.status, 200)
        XCTAssertTrue(metrics.contentType?.hasPrefix("text/plain; version=0.0.4") ?? false, metrics.contentType ?? "none")
        let lines = Set(metrics.body.split(separator: "\n").map(String.init))
        for expected in [
            "telemetry_bridge_messages_received_total 2", "telemetry_bridge_readings_stored_total 2",
            #"telemetry_bridge_dead_letters_total{reason="malformed_json"} 1"#, "telemetry_bridge_mqtt_connected 1.0",
            "telemetry_bridge_ingest_lag_seconds_count 2",
        ] {
            XCTAssertTrue(lines.contains(expected), "\(expected) not in\n\(metrics.body)")
        }

        bridge.child.terminate()
        XCTAssertEqual(try bridge.child.waitUntilExit(timeout: .seconds(20)), 0, bridge.child.standardError)
        let log = bridge.child.standardError
        let stopping = try XCTUnwrap(log.range(of: "stopping"), log)
        let stopped = try XCTUnwrap(log.range(of: "] stopped"), log)
        XCTAssertLessThan(stopping.lowerBound, stopped.lowerBound)
        XCTAssertFalse(FreePort.isAccepting(port), "the HTTP server stopped with the daemon")
    }

    func testServeAnswersFromADatabaseARunMade() throws {
        let broker = try startBroker()
        let bridge = try BridgeProcess.run(broker: broker.url, database: database, directory: directory)
        processes.append(bridge.child)
        try MosquittoClients.publish(broker.clientOptions(), topic: "home/kitchen/th-1/co2", payload: .text("612"), qos: 1)
        try waitForStore(database) { try $0.readingCount() == 1 }
        bridge.child.terminate()
        XCTAssertEqual(try bridge.child.waitUntilExit(timeout: .seconds(20)), 0)

        let port = FreePort.next()
        let serve = try BridgeProcess.launch(
            ["serve", "--db", database, "--http", "127.0.0.1:\(port)", "--devices", RepositoryPaths.devices],
            directory: directory, name: "serve")
        processes.append(serve.child)
        try serve.child.waitForOutput(containing: "dashboard listening", timeout: .seconds(20))
        let devices = try httpGet(port, "/api/devices")
        XCTAssertEqual(devices.status, 200, devices.body)
        XCTAssertTrue(devices.body.contains(#""id":"th-1""#), devices.body)
        let health = try httpGet(port, "/healthz")
        XCTAssertEqual(health.status, 200, health.body)
        XCTAssertTrue(health.body.contains(#""database":"readable""#), health.body)
        XCTAssertEqual(try httpGet(port, "/metrics").status, 404, "no ingest, no metrics")
        // Its store is read-only, yet operators' commands are written (the database is opened for them).
        let silence = try httpRequest(port, "/api/commands/silence", method: "POST",
                                      body: #"{"device":"th-*","duration":"1h","by":"ana"}"#)
        XCTAssertEqual(silence.status, 200, silence.body)
        XCTAssertTrue(try httpGet(port, "/api/silences").body.contains(#""matchers":{"device":"th-*"}"#))
        XCTAssertEqual(try TelemetryStore(path: database).operatorEvents().map(\.record.type), [.silenceCreated])

        serve.child.send(signal: SIGINT)
        XCTAssertEqual(try serve.child.waitUntilExit(timeout: .seconds(20)), 0, serve.child.standardError)
        XCTAssertFalse(FreePort.isAccepting(port))
    }

    func testServeReadsNoBrokerSettingsButChecksItsOwn() throws {
        // The daemon's configuration, with a broker password file serve may not read (or that
        // is not there on this host): serve needs only the database, rules, catalog and HTTP.
        let config = directory.file("serve-config.yaml")
        try "db: \(directory.file("missing.sqlite"))\npassword-file: /nonexistent/password\nbroker: ftp://wrong\n"
            .write(toFile: config, atomically: true, encoding: .utf8)
        let result = try BridgeProcess.command(["serve", "--config", config, "--http", "127.0.0.1:0"],
                                               directory: directory, name: "serve-broker-settings")
        XCTAssertEqual(result.status, 1, "got past the settings to the database check: \(result.stderr)")
        XCTAssertTrue(result.stderr.contains("database file not found"), result.stderr)

        try "http-max-streams: lots\n".write(toFile: config, atomically: true, encoding: .utf8)
        let bad = try BridgeProcess.command(["serve", "--config", config], directory: directory, name: "serve-bad-http")
        XCTAssertEqual(bad.status, 2, bad.stderr)
        XCTAssertTrue(bad.stderr.contains("http-max-streams"), bad.stderr)
    }

    func testServeWithoutTheDatabaseFileExitsOne() throws {
        let result = try BridgeProcess.command(["serve", "--db", directory.file("missing.sqlite"), "--http", "127.0.0.1:0"],
                                               directory: directory, name: "serve-missing")
        XCTAssertEqual(result.status, 1)
        XCTAssertTrue(result.stderr.contains("database file not found: \(directory.file("missing.sqlite"))"), result.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: directory.file("missing.sqlite")), "serve creates nothing")
    }

    func testABadAddressNamesItsSourceAndWhyAndExitsTwo() throws {
        let expected = "expected HOST:PORT such as 127.0.0.1:8080 or [::1]:8080, with a port from 0 to 65535, or off"
        let flag = try BridgeProcess.command(["run", "--http", "127.0.0.1:99999", "--devices", RepositoryPaths.devices],
                                             directory: directory, name: "bad-flag")
        XCTAssertEqual(flag.status, 2)
        XCTAssertTrue(flag.stderr.contains("invalid value '127.0.0.1:99999' for http (from --http): \(expected)"), flag.stderr)

        let environment = try BridgeProcess.command(["serve", "--db", directory.file("x.sqlite")], directory: directory,
                                                    name: "bad-env", environment: ["TELEMETRY_BRIDGE_HTTP": "localhost"])
        XCTAssertEqual(environment.status, 2)
        XCTAssertTrue(environment.stderr.contains("invalid value 'localhost' for http (from environment variable TELEMETRY_BRIDGE_HTTP)"),
                      environment.stderr)

        let file = directory.file("bridge.yaml")
        try "db: x.sqlite\nhttp: \":8080\"\n".write(toFile: file, atomically: true, encoding: .utf8)
        let fromFile = try BridgeProcess.command(["run", "--config", file, "--devices", RepositoryPaths.devices],
                                                 directory: directory, name: "bad-file")
        XCTAssertEqual(fromFile.status, 2)
        XCTAssertTrue(fromFile.stderr.contains("\(file):2:7: invalid value ':8080' for 'http': \(expected)"), fromFile.stderr)
    }

    func testAnAddressInUseIsAClearErrorWithExitOne() throws {
        let broker = try startBroker()
        let port = FreePort.next()
        let first = try BridgeProcess.run(broker: broker.url, database: database, directory: directory, name: "first",
                                          clientID: "first", extra: ["--http", "127.0.0.1:\(port)"])
        processes.append(first.child)
        try first.child.waitForOutput(containing: "dashboard listening", timeout: .seconds(10))
        let second = try BridgeProcess.command(
            ["run", "--broker", broker.url, "--db", directory.file("second.sqlite"), "--devices", RepositoryPaths.devices,
             "--client-id", "second", "--http", "127.0.0.1:\(port)"],
            directory: directory, name: "second")
        XCTAssertEqual(second.status, 1, second.stderr)
        XCTAssertTrue(second.stderr.contains("error: the dashboard cannot listen on 127.0.0.1:\(port) (--http):"), second.stderr)
        XCTAssertTrue(second.stderr.lowercased().contains("address already in use"), second.stderr)
        XCTAssertFalse(second.stderr.contains("[Bridge] ready"), "the daemon did not start ingesting")
    }

    func testTheHTTPSettingResolvesLikeTheOthers() throws {
        func resolve(_ flags: [String: String], environment: [String: String] = [:]) throws -> BridgeConfiguration {
            try BridgeConfiguration.resolve(ConfigurationValues(flags: flags, environment: environment), environment: environment)
        }
        XCTAssertEqual(try resolve([:]).http, HTTPAddress(host: "127.0.0.1", port: 8080))
        XCTAssertNil(try resolve(["http": "off"]).http)
        XCTAssertEqual(try resolve([:], environment: ["TELEMETRY_BRIDGE_HTTP": "0.0.0.0:9090"]).http, HTTPAddress(host: "0.0.0.0", port: 9090))
        XCTAssertEqual(try resolve(["http": "[::1]:0"]).http, HTTPAddress(host: "::1", port: 0))
        XCTAssertEqual(try resolve(["http": "[::1]:0"]).http?.url, "http://[::1]:0/")
        for bad in ["8080", ":8080", "host:", "host:80x", "::1:80", "[::1]80", "a b:80", "host:-1"] {
            XCTAssertThrowsError(try resolve(["http": bad]), bad)
        }
    }
}
