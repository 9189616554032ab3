import ArgumentParser
import Foundation
import Storage
import Telemetry

struct AlertsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "alerts",
        abstract: "Act on alerts (acknowledge, silence) and inspect the alert log's delivery to its sinks.",
        subcommands: [Acknowledge.self, Silence.self, Silences.self, Unsilence.self, Deliveries.self]
    )

    struct Deliveries: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Per sink: events delivered, lag (events and seconds behind the log), failures and refusals.",
            discussion: "Reads the database only; works while the bridge runs. Exit code 0, or 1 when a sink is failing.")

        @OptionGroup var store: StoreOptions

        @Option(help: "Also list up to this many refused events per sink (their dead letters), newest first.")
        var refusals: Int = 0

        @Option(help: "table or jsonl.")
        var format: Format = .table

        enum Format: String, ExpressibleByArgument, CaseIterable { case table, jsonl }

        func run() throws {
            let store = try self.store.openStore()
            let now = WallClock.milliseconds()
            let states: [SinkDeliveryState]
            var refused: [String: [DeliveryRefusal]] = [:]
            do {
                states = try store.deliveryStates()
                if refusals > 0 {
                    for state in states { refused[state.sink] = try store.deliveryRefusals(sink: state.sink, limit: refusals) }
                }
            } catch {
                throw CommandFailure.exit("\(error)", code: 1)
            }
            switch format {
            case .table:
                printTable(states, refused: refused, now: now)
            case .jsonl:
                for state in states {
                    var object: [String: Any] = [
                        "sink": state.sink, "delivered": state.delivered, "pendingEvents": state.pendingEvents,
                        "lagSeconds": state.lagSeconds(now: now), "refusals": state.refusals,
                        "updatedAt": ISO8601Timestamp.string(state.updatedAt),
                        "failingSince": state.failingSince.map { ISO8601Timestamp.string($0) } ?? NSNull(),
                        "lastError": state.lastError ?? NSNull(),
                    ]
                    if refusals > 0 {
                        object["refused"] = (refused[state.sink] ?? []).map { refusal in
                            ["sequence": refusal.sequence, "event": refusal.eventID, "reason": refusal.reason,
                             "response": refusal.response, "at": ISO8601Timestamp.string(refusal.at)] as [String: Any]
                        }
                    }
                    let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])
                    print(String(decoding: data, as: UTF8.self))
                }
            }
            if states.contains(where: { $0.failingSince != nil }) {
                throw ExitCode(1)
            }
        }

        private func printTable(_ states: [SinkDeliveryState], refused: [String: [DeliveryRefusal]], now: Int64) {
            guard !states.isEmpty else {
                print("no sinks yet: the bridge registers them when it starts")
                return
            }
            let width = max(4, states.map(\.sink.count).max() ?? 0)
            print("SINK".padding(toLength: width, withPad: " ", startingAt: 0) + "    THROUGH  PENDING  LAG       REFUSED  STATE")
            for state in states {
                let lag = String(format: "%.1fs", state.lagSeconds(now: now))
                let condition = state.failingSince.map {
                    "failing since \(ISO8601Timestamp.string($0)): \(state.lastError ?? "")"
                } ?? "ok"
                var line = state.sink.padding(toLength: width, withPad: " ", startingAt: 0)
                line += "  " + String(format: "%9lld", state.delivered)
                line += "  " + String(format: "%7ld", state.pendingEvents)
                line += "  " + lag.padding(toLength: 8, withPad: " ", startingAt: 0)
                line += "  " + String(format: "%7ld", state.refusals)
                print(line + "  " + condition)
                for refusal in refused[state.sink] ?? [] {
                    print("    refused #\(refusal.sequence) \(refusal.eventID) at \(ISO8601Timestamp.string(refusal.at)): "
                          + "\(refusal.reason) \(refusal.response.prefix(200))")
                }
            }
        }
    }
}
