@testable import Bridge
import Foundation
@testable import Replay
import Rules
import Storage
import TestSupport
import XCTest

/// Live == replay: the daemon's stored alerts, from a real mosquitto, and a replay of the
/// readings it stored agree, for `for`, `clear` and `silent()`.
///
/// The climate readings are a day ahead of the wall clock (see AlertIntegrationTests), so only
/// event time decides them. The silence is the one real difference: the daemon raises it on
/// its wall-clock tick (once a second), the replay at the exact deadline, so the live raise is
/// up to a tick later; `replay --diff` ignores moves up to 1 s by default for that reason.
final class ReplayLiveTests: XCTestCase {
    private static let rules = ReplayFixture.rules.replacingOccurrences(of: "silent(5m)", with: "silent(5s)")

    func testReplayOfTheStoredLogGivesTheAlertsTheDaemonStored() throws {
        let broker = try MosquittoBroker()
        let directory = try TemporaryDirectory(prefix: "replay-live")
        var bridge: BridgeProcess?
        defer {
            bridge?.child.kill()
            try? broker.stop()
            directory.remove()
        }
        let rules = directory.file("rules")
        try FileManager.default.createDirectory(atPath: rules, withIntermediateDirectories: true)
        try Self.rules.write(toFile: rules + "/rules.yaml", atomically: true, encoding: .utf8)
        let database = directory.file("live.sqlite")
        bridge = try BridgeProcess.run(broker: broker.url, database: database, directory: directory,
                                       extra: ["--rules", rules, "--rules-watch-interval", "0", "--max-timestamp-ahead", "7d"])

        let base = (Int64(Date().timeIntervalSince1970) + 86_400) * 1000
        func publish(_ device: String, site: String, _ points: [(Int64, Double)]) throws {
            let lines = points.map { #"{"ts":\#($0.0),"temp":\#($0.1),"hum":50}"# }
            try MosquittoClients.publish(broker.clientOptions(), topic: "greenhouse/\(site)/\(device)/climate",
                                         payload: .lines(lines), qos: 1)
        }
        func series(_ values: [Double]) -> [(Int64, Double)] {
            values.enumerated().map { (base + Int64($0.offset) * 30_000, $0.element) }
        }
        // for + clear: raised after 2 minutes hot, cleared when cool.
        try publish("gh-01", site: "north", series([20, 20, 20, 35, 35, 35, 35, 35, 35, 35, 20, 20, 20]))
        // Pending that stops holding before `for`: no events.
        try publish("gh-03", site: "north", series([20, 35, 35, 20, 20]))
        // Silent: two readings now, then 5 s of silence on the wall clock, then one a day ahead.
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        try publish("q-01", site: "south", [(now - 1000, 20), (now, 20)])
        try waitForStore(database) { try $0.alerts(filter: AlertFilter(alert: "Quiet")).count == 1 }
        try publish("q-01", site: "south", [(base + 1_800_000, 20)])
        try waitForStore(database) { try $0.alerts().count == 4 && $0.readingCount() == 2 * (13 + 5 + 3) }
        bridge?.child.kill()

        let store = try TelemetryStore(path: database)
        let live = try store.alerts()
        let schema = try ReplayFixture.schema()
        let replayed = try Replayer(store: store).events(RuleSet.load(directory: rules, schema: schema))
        func key(_ type: String, _ alert: String, _ device: String, _ at: Int64, _ value: Double?) -> String {
            "\(type) \(alert) \(device) \(at) \(value.map { "\($0)" } ?? "-")"
        }
        let liveKeys = live.map { key($0.type.rawValue, $0.alert, $0.device, $0.at, $0.value) }
        let replayKeys = replayed.map { key($0.typeName, $0.alert, $0.device, $0.at, $0.value) }
        XCTAssertEqual(replayKeys.filter { !$0.contains("Quiet") }.sorted(), liveKeys.filter { !$0.contains("Quiet") }.sorted())
        XCTAssertEqual(replayKeys.filter { !$0.contains("Quiet") }.count, 2, "gh-01 raised and cleared, gh-03 nothing")

        let liveQuiet = live.filter { $0.alert == "Quiet" }
        let replayQuiet = replayed.filter { $0.alert == "Quiet" }
        XCTAssertEqual(liveQuiet.map(\.type.rawValue), ["AlertRaised", "AlertCleared"])
        XCTAssertEqual(replayQuiet.map(\.typeName), ["AlertRaised", "AlertCleared"])
        XCTAssertEqual(replayQuiet.first?.at, now + 5000, "the replay raises the silence at its deadline")
        XCTAssertEqual(replayQuiet.last?.at, liveQuiet.last?.at, "both clear on the reading that ends the silence")
        let shift = (liveQuiet.first?.at ?? 0) - (replayQuiet.first?.at ?? 0)
        XCTAssertTrue((0..<5000).contains(shift), "the daemon raises the silence on its first tick after the deadline: \(shift) ms")

        // The configured rules (here from the environment) are the ones the daemon ran.
        let configured = ["TELEMETRY_BRIDGE_RULES": rules]
        let diff = try BridgeProcess.command(
            ["replay", "--db", database, "--devices", RepositoryPaths.devices, "--diff"],
            directory: directory, name: "replay-diff", environment: configured)
        XCTAssertEqual(diff.status, shift <= 1000 ? 0 : 1, diff.stdout + diff.stderr)
        XCTAssertTrue(diff.stdout.contains(shift <= 1000 ? "live vs replay: identical" : "1 difference(s)"), diff.stdout)
        let exact = try BridgeProcess.command(
            ["replay", "--db", database, "--devices", RepositoryPaths.devices, "--rules", rules, "--diff",
             "--tolerance", "0", "--format", "jsonl"],
            directory: directory, name: "replay-diff-exact", environment: configured)
        XCTAssertEqual(exact.status, shift == 0 ? 0 : 1, exact.stdout + exact.stderr)
        if shift != 0 {
            XCTAssertTrue(exact.stdout.hasPrefix(#"{"change":"moved","type":"AlertRaised","alert":"Quiet","device":"q-01""#),
                          exact.stdout)
            XCTAssertTrue(exact.stdout.contains(#""shiftMs":\#(-shift)}"#), exact.stdout)
        }
    }
}
