import ArgumentParser
import Foundation
import Operations
import Rules
import Storage
import Telemetry

extension AlertsCommand {
    struct Acknowledge: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "ack",
            abstract: "Acknowledge a firing alert: its notifications stop repeating until it clears.",
            discussion: """
                Writes an AlertAcknowledged event to the alert log of the database (a running bridge picks it up \
                within a second and publishes it). Refused, with exit code 1 and the log unchanged, when the alert \
                is unknown, not firing, or already acknowledged.
                """)

        @Argument(help: "The alert (rule) name.") var alert: String
        @Argument(help: "The device id.") var device: String
        @OptionGroup var who: OperatorOptions
        @OptionGroup var store: StoreOptions
        @OptionGroup var remote: RemoteCommandOptions

        func run() throws {
            if remote.broker != nil {
                return try remote.send("ack", ["alert": alert, "device": device, "by": try who.name(), "comment": who.comment],
                                       config: store.config)
            }
            let operations = AlertOperator(store: try store.openStore())
            let request = AcknowledgeRequest(alert: alert, device: device, by: try who.name(), comment: who.comment)
            do {
                let event = try operations.acknowledge(request, now: WallClock.milliseconds())
                print(event.record.event)
            } catch {
                throw error.exit
            }
        }
    }

    struct Silence: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Silence matching alerts for a while: still stored and published on MQTT, not sent to Alertmanager or webhooks.",
            discussion: """
                Matchers (at least one): --alert and --device are globs (* and ?), --where a label condition as in \
                rules (site == "berlin"). With --dry-run nothing is written: the raises of the last --days the \
                silence would have matched are listed instead.
                """)

        @Option(help: "Alert name or glob.") var alert: String?
        @Option(help: "Device id or glob.") var device: String?
        @Option(name: .customLong("where"), help: "Label condition, e.g. 'site == \"berlin\"'.") var condition: String?
        @Option(help: "When it starts (ISO 8601, epoch ms, now, -1h). Default: now.") var start: String?
        @Option(help: "When it ends (ISO 8601, epoch ms).") var end: String?
        @Option(help: "How long it lasts from its start (2h, 30m, 1d).") var duration: String?
        @Flag(help: "List the past raises it would have matched; write nothing.") var dryRun = false
        @Option(help: "With --dry-run: how many days back to look.") var days: Int = 7
        @OptionGroup var who: OperatorOptions
        @OptionGroup var store: StoreOptions
        @OptionGroup var remote: RemoteCommandOptions

        func run() throws {
            let now = WallClock.milliseconds()
            var object: [String: Any] = ["by": try who.name(), "comment": who.comment]
            object["alert"] = alert
            object["device"] = device
            object["where"] = condition
            object["startsAt"] = start
            object["endsAt"] = end
            object["duration"] = duration
            if remote.broker != nil {
                if dryRun { throw CommandFailure.exit("--dry-run reads the database: give --db, not --broker", code: 2) }
                return try remote.send("silence", object, config: store.config)
            }
            if dryRun, end == nil, duration == nil { object["duration"] = "1h" }
            let command: OperatorCommand
            do throws(OperatorError) {
                command = try OperatorCommand.parse(name: "silence", object: object, now: now)
            } catch {
                throw error.exit
            }
            guard case .silence(let request) = command else { return }
            let operations = AlertOperator(store: try store.openStore())
            do {
                if dryRun {
                    try preview(request, operations: operations, now: now)
                } else {
                    let event = try operations.silence(request, now: now)
                    print(event.record.event)
                }
            } catch {
                throw error.exit
            }
        }

        private func preview(_ request: SilenceRequest, operations: AlertOperator, now: Int64) throws(OperatorError) {
            guard (1...3650).contains(days) else {
                throw OperatorError(.invalid, parameter: "days", "between 1 and 3650")
            }
            let from = now &- Int64(days) &* 86_400_000
            let (matches, total) = try operations.preview(request.matchers, from: from, to: now &+ 1, limit: 100)
            print("\(total) raise\(total == 1 ? "" : "s") of the last \(days) day\(days == 1 ? "" : "s") match this silence" + (total > matches.count ? " (newest \(matches.count) shown)" : "") + (total > 0 ? ":" : "."))
            for raised in matches {
                print("  \(ISO8601Timestamp.string(raised.at, fraction: .whenNonZero))  \(raised.alert)  \(raised.device)  \(raised.severity.rawValue)  \(raised.message)")
            }
        }
    }

    struct Silences: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List silences: active and pending ones (with --all, ended ones too).")

        @Flag(help: "Also list silences that have ended.") var all = false
        @Option(help: "table or jsonl.") var format: Deliveries.Format = .table
        @OptionGroup var store: StoreOptions

        func run() throws {
            let operations = AlertOperator(store: try store.openStore())
            let now = WallClock.milliseconds()
            let silences: [Rules.Silence]
            do {
                silences = try operations.silences().all.filter { all || $0.state(at: now) != .expired }
            } catch {
                throw error.exit
            }
            switch format {
            case .jsonl:
                for silence in silences { print(SilenceCreated(silence: silence).json) }
            case .table:
                guard !silences.isEmpty else {
                    print(all ? "no silences" : "no active or pending silences")
                    return
                }
                for silence in silences {
                    var matchers: [String] = []
                    if let alert = silence.matchers.alert { matchers.append("alert=\(alert)") }
                    if let device = silence.matchers.device { matchers.append("device=\(device)") }
                    if let condition = silence.matchers.whereText { matchers.append("where: \(condition)") }
                    let time = { (ms: Int64) in ISO8601Timestamp.string(ms, fraction: .whenNonZero) }
                    print("\(silence.id)  \(silence.state(at: now).rawValue)  \(time(silence.inForceFrom)) .. \(time(silence.inForceUntil))  \(matchers.joined(separator: " "))  by \(silence.createdBy)" + (silence.comment.isEmpty ? "" : ": \(silence.comment)") + (silence.expiredBy.map { "  (ended by \($0))" } ?? ""))
                }
            }
        }
    }

    struct Unsilence: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "End a silence now (its id, or its first 8 or more characters).")

        @Argument(help: "The silence's id.") var id: String
        @OptionGroup var who: OperatorOptions
        @OptionGroup var store: StoreOptions
        @OptionGroup var remote: RemoteCommandOptions

        func run() throws {
            if remote.broker != nil {
                return try remote.send("unsilence", ["id": id, "by": try who.name()], config: store.config)
            }
            let operations = AlertOperator(store: try store.openStore())
            let request = UnsilenceRequest(id: id, by: try who.name())
            do {
                let event = try operations.unsilence(request, now: WallClock.milliseconds())
                print(event.record.event)
            } catch {
                throw error.exit
            }
        }
    }
}
