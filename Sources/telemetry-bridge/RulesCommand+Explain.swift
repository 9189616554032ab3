import ArgumentParser
import Bridge
import Foundation
import Replay
import Rules
import Storage
import Telemetry

extension RulesCommand {
    struct Explain: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Why each rule is where it is for a device at a moment: state, every sub-expression's value, last changes.",
            discussion: """
                Replays the device's stored readings (from --since before --at, plus the rules' lookback) through the \
                engine on a virtual clock, exactly as replay does, and prints for each rule that selects the device its \
                state at --at, the value of every sub-expression of when and clear (windows with their bounds and \
                number of readings) and its last state changes with the reading that caused each.
                """)

        @OptionGroup var location: Location
        @Option(help: "SQLite database file. Default: db of the configuration, or ./telemetry.sqlite.") var db: String?
        @Option(help: "The device id.") var device: String
        @Option(parsing: .unconditional, help: "The moment: ISO 8601, epoch ms, now, or relative (-1h). Default: now.") var at: String = "now"
        @Option(help: "Only this rule.") var rule: String?
        @Option(help: "How much history before --at to replay for the last changes (e.g. 24h).") var since: String = "24h"
        @Option(help: "How many of the last state changes to show per rule.") var changes: Int = 5
        @Option(help: "text or jsonl.") var format: Format = .text

        enum Format: String, ExpressibleByArgument { case text, jsonl }

        func run() throws {
            let (rules, _, _) = try location.load()
            let now = WallClock.milliseconds()
            let time: Int64
            do {
                time = try TimeArgument.parse(at, option: "at", now: now)
            } catch {
                throw CommandFailure.exit("\(error)", code: 2)
            }
            guard let span = DurationParser.milliseconds(since), span > 0 else {
                throw CommandFailure.exit("invalid --since '\(since)': expected a duration such as 24h", code: 2)
            }
            guard (0...1000).contains(changes) else { throw CommandFailure.exit("--changes: between 0 and 1000", code: 2) }
            if let rule, rules.rule(named: rule) == nil {
                throw CommandFailure.exit("no rule '\(rule)'" + (Suggestion.nearest(to: rule, in: rules.rules.map(\.name)).map { " (did you mean '\($0)'?)" } ?? ""), code: 2)
            }
            let store = try StoreOptions.openStore(config: location.config, db: db)
            let result: (explanations: [RuleExplanation]?, events: [AlertEvent])
            do {
                result = try Replayer(store: store).explain(rules, device: device, at: time, from: time &- span)
            } catch {
                throw CommandFailure.exit("\(error)", code: 1)
            }
            guard let explanations = result.explanations else {
                throw CommandFailure.exit("no reading of device '\(device)' up to \(ISO8601Timestamp.string(time, fraction: .whenNonZero)) within --since \(since) and the rules' lookback", code: 1)
            }
            let selected = explanations.filter { rule == nil || $0.alert == rule }
            switch format {
            case .jsonl:
                for explanation in selected { print(explanation.json) }
            case .text:
                let latest = explanations.first?.watermark
                print("\(device) at \(ISO8601Timestamp.string(time, fraction: .whenNonZero))" + (latest.map { ", latest reading \(ISO8601Timestamp.string($0, fraction: .whenNonZero))" } ?? ""))
                if selected.isEmpty { print(rule == nil ? "no rule selects this device" : "rule '\(rule ?? "")' does not select this device") }
                for explanation in selected {
                    print("")
                    let history = result.events.filter { $0.alert == explanation.alert }.suffix(changes)
                    for line in ExplanationFormatter.lines(explanation, changes: Array(history)) { print(line) }
                }
            }
        }
    }
}
