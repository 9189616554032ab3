import Replay
import Dashboard
import Foundation
import Hummingbird
import Logging
import Rules
import Storage
import Telemetry

/// `/api/series` (a year vs an hour of one series) and `/api/overview` (1,000 devices) through a
/// real Hummingbird server on a loopback port, over a database seeded through
/// `TelemetryStore.write`. Prints medians of `--runs` requests (after one unmeasured warm-up
/// request each) and ratios to the targets (< 100 ms, < 200 ms). See Benchmarks/README.md.
@main
enum DashboardBenchmark {
    static func main() {
        let options: BenchmarkOptions
        do {
            options = try BenchmarkOptions(arguments: Array(CommandLine.arguments.dropFirst()))
        } catch {
            fail(error.description, code: 2)
        }
        do {
            try run(options)
        } catch {
            fail("dashboard-benchmark: \(error)", code: 1)
        }
        exit(0)
    }

    static func run(_ options: BenchmarkOptions) throws {
        let temporary = options.database == nil
            ? FileManager.default.temporaryDirectory.appendingPathComponent("dashboard-benchmark-\(getpid())").path : nil
        defer { if let temporary { try? FileManager.default.removeItem(atPath: temporary) } }
        let path = options.database ?? (temporary ?? "") + "/telemetry.sqlite"
        let store = try TelemetryStore(path: path)
        if try store.series().isEmpty {
            let clock = ContinuousClock()
            let start = clock.now
            try FleetSeeder(store: store, devices: options.devices, days: options.days).seed { print("  \($0)") }
            print("seeded \(path) in \(fixed(seconds(start.duration(to: clock.now)), 1)) s")
        } else {
            print("reusing \(path) (\(try store.series().count) series)")
        }

        let rules = try loadRules(options)
        let end = FleetSeeder.end
        let port = try HTTPConnection.freePort()
        let dashboard = DashboardApplication(store: store, now: { end }, rules: rules)
        var logger = Logger(label: "dashboard-benchmark")
        logger.logLevel = .warning
        let app = dashboard.application(host: "127.0.0.1", port: Int(port), logger: logger)
        let server = Task { try await app.runService() }
        defer { server.cancel() }
        let connection = try connect(port: port)

        let year = 365 * FleetSeeder.day
        let series = "/api/series?device=\(FleetSeeder.yearDevice)&metric=temperature&points=1000&to=\(end)&from="
        let yearTimes = try measure("series, 1 year (points=1000)", series + "\(end - year)", connection, runs: options.runs) { json in
            "\((json["points"] as? [Any])?.count ?? -1) points"
        }
        let hourTimes = try measure("series, 1 hour (points=1000)", series + "\(end - 3_600_000)", connection, runs: options.runs) { json in
            "\((json["points"] as? [Any])?.count ?? -1) points"
        }
        let overviewTimes = try measure("overview, \(options.devices + 1) devices\(rules == nil ? "" : " + pending (rules)")",
                                        "/api/overview?at=\(end)", connection, runs: options.runs) { json in
            let devices = json["devices"] as? [[String: Any]] ?? []
            let sparkline = ((devices.first?["metrics"] as? [[String: Any]])?.first?["sparkline"] as? [Any])?.count ?? -1
            return "\(devices.count) devices, \(sparkline) sparkline points, \((json["pending"] as? [Any])?.count ?? -1) pending"
        }
        let stateTimes = try measure("state (latest of \(try store.series().count) series\(rules == nil ? "" : " + pending"))",
                                     "/api/state?at=\(end)", connection, runs: options.runs) { json in
            "\((json["latest"] as? [Any])?.count ?? -1) latest values"
        }
        let pastTimes = try measure("overview at T - 1 day", "/api/overview?at=\(end - FleetSeeder.day)", connection, runs: options.runs) { json in
            "\((json["devices"] as? [Any])?.count ?? -1) devices"
        }
        _ = (stateTimes, pastTimes)

        let yearMedian = median(yearTimes), hourMedian = median(hourTimes), overviewMedian = median(overviewTimes)
        print("")
        print("series year: median \(fixed(yearMedian, 2)) ms, target < 100 ms: ratio \(fixed(yearMedian / 100, 2)) "
              + "(\(yearMedian < 100 ? "met" : "missed")); year / hour = \(fixed(yearMedian / hourMedian, 2))")
        print("overview: median \(fixed(overviewMedian, 2)) ms, target < 200 ms: ratio \(fixed(overviewMedian / 200, 2)) "
              + "(\(overviewMedian < 200 ? "met" : "missed"))")
    }

    static func loadRules(_ options: BenchmarkOptions) throws -> RuleSet? {
        guard let directory = options.rulesDirectory else { return nil }
        let catalog = try DeviceCatalog.load(directory: options.catalogDirectory)
        let rules = try RuleSet.load(directory: directory, schema: RuleSchema(catalog: catalog))
        print("rules: \(rules.rules.count) from \(directory) (lookback \(rules.lookback / 60_000) min)")
        return rules
    }

    /// Connects once the server listens (polling with a deadline).
    static func connect(port: UInt16) throws -> HTTPConnection {
        let deadline = ContinuousClock.now + .seconds(10)
        while true {
            do {
                return try HTTPConnection(port: port)
            } catch {
                if ContinuousClock.now > deadline { throw error }
                usleep(20_000)
            }
        }
    }

    /// Times `runs` GETs of `path` (after one unmeasured), in ms; checks each answers 200.
    static func measure(
        _ name: String, _ path: String, _ connection: HTTPConnection, runs: Int, describe: ([String: Any]) -> String
    ) throws -> [Double] {
        let first = try connection.get(path)
        guard first.status == 200, let json = try JSONSerialization.jsonObject(with: Data(first.body)) as? [String: Any] else {
            throw HTTPError(message: "\(path) answered \(first.status): \(String(decoding: first.body.prefix(300), as: UTF8.self))")
        }
        let clock = ContinuousClock()
        var times: [Double] = []
        for _ in 0..<runs {
            let start = clock.now
            let answer = try connection.get(path)
            times.append(seconds(start.duration(to: clock.now)) * 1000)
            guard answer.status == 200 else { throw HTTPError(message: "\(path) answered \(answer.status)") }
        }
        let sorted = times.sorted()
        print("\(name): median \(fixed(median(times), 2)) ms, min \(fixed(sorted[0], 2)), max \(fixed(sorted[sorted.count - 1], 2)) "
              + "over \(runs) runs; \(first.body.count) bytes, \(describe(json))")
        return times
    }

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }

    static func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        guard !sorted.isEmpty else { return 0 }
        let middle = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
    }

    static func fixed(_ value: Double, _ digits: Int) -> String {
        String(format: "%.\(digits)f", value)
    }

    static func fail(_ message: String, code: Int32) -> Never {
        FileHandle.standardError.write(Data((message + "\n").utf8))
        exit(code)
    }
}
