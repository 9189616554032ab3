import Logging
@testable import Replay
import Rules
import Storage
import Telemetry
import TestSupport
import XCTest

@testable import Bridge

/// The rule watcher loads a change only once the files have stopped changing, so a file being
/// rewritten (empty for a moment) never clears the alerts; the watcher is stepped by hand.
final class RuleFilesWatcherTests: XCTestCase {
    private static let now: Int64 = 1_795_428_900_000
    private static let rules = """
        rules:
          - alert: HotNow
            devices: climate-sensor
            when: temperature > 30
        """
    private var directory: TemporaryDirectory!

    override func setUpWithError() throws {
        directory = try TemporaryDirectory(prefix: "rules-watcher")
        try FileManager.default.createDirectory(atPath: directory.file("rules"), withIntermediateDirectories: true)
        try Self.rules.write(toFile: ruleFile, atomically: true, encoding: .utf8)
    }

    override func tearDownWithError() throws {
        directory.remove()
    }

    private var ruleFile: String { directory.file("rules/hot.yaml") }

    private func firing() throws -> (IngestPipeline, RuleFilesWatcher, TelemetryStore) {
        let store = try TelemetryStore(path: directory.file("watcher.sqlite"))
        let catalog = try DeviceCatalog.load(directory: RepositoryPaths.devices)
        let schema = RuleSchema(catalog: catalog)
        let engine = RuleEngine(rules: try RuleSet.load(directory: directory.file("rules"), schema: schema))
        let pipeline = try IngestPipeline(catalog: catalog, maxPayloadBytes: 1024, store: store, rules: engine, clock: { Self.now })
        var logger = Logger(label: "watcher-test")
        logger.logLevel = .critical
        let watcher = RuleFilesWatcher(directory: directory.file("rules"), schema: schema, pipeline: pipeline, logger: logger)
        try pipeline.ingest([InboundMessage(topic: "greenhouse/north/gh-1/climate",
                                            payload: Array(#"{"ts":\#(Self.now),"temp":35,"hum":40}"#.utf8), receivedAt: Self.now)])
        XCTAssertEqual(try store.firingAlerts().map(\.alert), ["HotNow"])
        return (pipeline, watcher, store)
    }

    func testAFileTruncatedAndRewrittenBetweenPollsDoesNotClearAlerts() throws {
        let (pipeline, watcher, store) = try firing()
        try "".write(toFile: ruleFile, atomically: false, encoding: .utf8)
        watcher.poll()
        XCTAssertEqual(pipeline.rules?.rules.count, 1, "a file seen changing is not loaded yet")
        try (Self.rules + "\n").write(toFile: ruleFile, atomically: false, encoding: .utf8)
        watcher.poll()
        watcher.poll()
        XCTAssertEqual(pipeline.rules?.rules.count, 1)
        XCTAssertEqual(try store.alerts(filter: AlertFilter()).map(\.type), [.raised], "no clear, no second raise")
        XCTAssertEqual(try store.firingAlerts().map(\.alert), ["HotNow"])
    }

    func testAChangeIsLoadedOnceItHasSettled() throws {
        let (pipeline, watcher, store) = try firing()
        try "rules: []\n".write(toFile: ruleFile, atomically: false, encoding: .utf8)
        watcher.poll()
        XCTAssertEqual(pipeline.rules?.rules.count, 1)
        watcher.poll()
        XCTAssertEqual(pipeline.rules?.rules.count, 0, "unchanged since the previous poll: loaded")
        XCTAssertEqual(try store.alerts(filter: AlertFilter()).map(\.type), [.raised, .cleared])
    }

    func testAReloadWithACrasherInPlaceKeepsTheRules() throws {
        let (pipeline, watcher, store) = try firing()
        let deep = String(repeating: "(", count: 4_000) + "temperature" + String(repeating: ")", count: 4_000) + " > 30"
        try "rules:\n  - alert: Deep\n    devices: climate-sensor\n    when: \(deep)\n"
            .write(toFile: directory.file("rules/deep.yaml"), atomically: true, encoding: .utf8)
        XCTAssertFalse(watcher.reload(reason: "test"))
        _ = FileManager.default.createFile(atPath: directory.file("rules/deep.yaml"), contents: Data([0x72, 0x75, 0xFF, 0x0A]))
        XCTAssertFalse(watcher.reload(reason: "test"))
        XCTAssertEqual(pipeline.rules?.rules.map(\.name), ["HotNow"])
        XCTAssertEqual(try store.firingAlerts().map(\.alert), ["HotNow"])
    }
}

extension RuleFilesWatcherTests {
    /// Device attributes are watched and reloaded with the rules: a new threshold applies to the
    /// next reading; a broken attributes file keeps the previous rules and attributes in force.
    func testChangedDeviceAttributesAreReloadedWithTheRules() throws {
        let attributes = directory.file("attributes.yaml")
        try "attributes:\n  \"*\": {max_temp: 40}\n".write(toFile: attributes, atomically: true, encoding: .utf8)
        try "rules:\n  - alert: HotNow\n    devices: climate-sensor\n    when: temperature > attr.max_temp\n"
            .write(toFile: ruleFile, atomically: true, encoding: .utf8)
        let store = try TelemetryStore(path: directory.file("attributes.sqlite"))
        let catalog = try DeviceCatalog.load(directory: RepositoryPaths.devices)
        let schema = RuleSchema(catalog: catalog)
        let engine = RuleEngine(rules: try RuleSet.load(directory: directory.file("rules"), schema: schema, attributesFile: attributes))
        let pipeline = try IngestPipeline(catalog: catalog, maxPayloadBytes: 1024, store: store, rules: engine, clock: { Self.now })
        var logger = Logger(label: "watcher-test")
        logger.logLevel = .critical
        let watcher = RuleFilesWatcher(directory: directory.file("rules"), schema: schema, attributesFile: attributes,
                                       pipeline: pipeline, logger: logger)
        func send(_ temperature: Double, at offset: Int64) throws {
            try pipeline.ingest([InboundMessage(topic: "greenhouse/north/gh-1/climate",
                                                payload: Array(#"{"ts":\#(Self.now + offset),"temp":\#(temperature),"hum":40}"#.utf8),
                                                receivedAt: Self.now + offset)])
        }
        try send(35, at: 0)
        XCTAssertEqual(try store.firingAlerts(), [], "35 is not above 40")

        try "attributes:\n  \"*\": {max_temp: 40}\n  gh-1: {max_temp: 30}\n".write(toFile: attributes, atomically: true, encoding: .utf8)
        watcher.poll()
        watcher.poll()
        try send(35, at: 1000)
        XCTAssertEqual(try store.firingAlerts().map(\.alert), ["HotNow"], "gh-1's own threshold applies after the reload")

        try "attributes:\n  \"*\": {max_temp: hot}\n".write(toFile: attributes, atomically: true, encoding: .utf8)
        watcher.poll()
        watcher.poll()
        try send(36, at: 2000)
        XCTAssertEqual(try store.firingAlerts().map(\.alert), ["HotNow"], "a broken file keeps the previous attributes")
        XCTAssertEqual(pipeline.rules?.attributes.value("max_temp", device: "gh-1"), 30)
    }
}
