import ArgumentParser
import Bridge
import Foundation
import Replay
import Rules
import Storage
import Telemetry

extension RulesCommand {
    struct Incident: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Snapshot a stored incident into a self-contained rule test file (readings, and what the rules raise over them).",
            discussion: """
                Writes the device's stored readings in [--from, --to) as a rule test (points relative to --from, \
                origin: --from) with the events the current rules raise over them as its 'expect', so `rules test` \
                runs it in CI without the database. Add assert: entries (raises_within/of, never_raises) for what \
                the incident must do.
                """)

        @OptionGroup var location: Location
        @Option(help: "SQLite database file. Default: db of the configuration, or ./telemetry.sqlite.") var db: String?
        @Option(help: "The device id.") var device: String
        @Option(parsing: .unconditional, help: "Start, inclusive: ISO 8601, epoch ms, or relative (-6h).") var from: String
        @Option(parsing: .unconditional, help: "End, exclusive: ISO 8601, epoch ms, relative, or now.") var to: String
        @Option(help: "The test file to write (e.g. Rules/tests/pump-failure.yaml); - for standard output.") var out: String
        @Option(help: "The test's name. Default: the device and the start.") var name: String?
        @Option(help: "The clock tick of the test (when silent() and for timers are seen).") var interval: String = "1m"

        func run() throws {
            let (rules, _, _) = try location.load()
            let now = WallClock.milliseconds()
            let start: Int64, end: Int64
            do {
                start = try TimeArgument.parse(from, option: "from", now: now)
                end = try TimeArgument.parse(to, option: "to", now: now)
            } catch {
                throw CommandFailure.exit("\(error)", code: 2)
            }
            guard end > start else { throw CommandFailure.exit("--to must be after --from", code: 2) }
            guard let tick = DurationParser.milliseconds(interval), tick > 0 else {
                throw CommandFailure.exit("invalid --interval '\(interval)': expected a duration such as 1m", code: 2)
            }
            let store = try StoreOptions.openStore(config: location.config, db: db)
            let history: RuleTestHistory
            do {
                history = try StoredHistory.load(RuleTestHistoryRequest(database: nil, device: device, from: start, to: end), from: store)
            } catch {
                throw CommandFailure.exit("\(error)", code: 1)
            }
            guard !history.readings.isEmpty else {
                throw CommandFailure.exit("no readings of '\(device)' in [\(from), \(to))", code: 1)
            }
            let events = RuleTestRunner.events(of: history, from: start, interval: tick, rules: rules)
            let text = RuleTestSnapshot.yaml(
                name: name ?? "\(device) from \(ISO8601Timestamp.string(start, fraction: .whenNonZero))", history: history,
                from: start, to: end, interval: tick, events: events, takenAt: now)
            if out == "-" {
                print(text, terminator: "")
                return
            }
            do {
                try text.write(toFile: out, atomically: true, encoding: .utf8)
            } catch {
                throw CommandFailure.exit("cannot write \(out): \(error.localizedDescription)", code: 1)
            }
            printError("wrote \(out): \(history.readings.count) readings, \(events.count) alert event(s)")
        }
    }
}
