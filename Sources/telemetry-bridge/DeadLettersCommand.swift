import ArgumentParser
import Bridge
import Foundation
import Storage
import Telemetry

struct DeadLettersCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "deadletters",
        abstract: "Inspect messages that could not be decoded, and re-decode them once the catalog is fixed.",
        subcommands: [List.self, Replay.self]
    )

    struct Selection: ParsableArguments {
        @OptionGroup var store: StoreOptions

        @Option(help: "Only this reason code (e.g. unknown_metric).")
        var reason: String?

        @Option(help: "Only topics starting with this.")
        var topic: String?

        @Option(parsing: .unconditional, help: "Received at or after: ISO 8601, epoch ms, or relative (-24h).")
        var from: String?

        @Option(parsing: .unconditional, help: "Received before: ISO 8601, epoch ms, or relative (-1h, now).")
        var to: String?

        func filter(limit: Int?) throws -> DeadLetterFilter {
            let now = WallClock.milliseconds()
            do {
                return DeadLetterFilter(
                    reason: reason, topicPrefix: topic,
                    from: try from.map { try TimeArgument.parse($0, option: "from", now: now) },
                    to: try to.map { try TimeArgument.parse($0, option: "to", now: now) },
                    limit: limit)
            } catch {
                throw CommandFailure.exit("\(error)", code: 2)
            }
        }

        func openStore() throws -> TelemetryStore {
            try store.openStore()
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List dead letters, newest last.")

        @OptionGroup var selection: Selection

        @Flag(help: "Include resolved (re-decoded) dead letters.")
        var all = false

        @Option(help: "At most this many.")
        var limit: Int = 100

        @Option(help: "table or jsonl (with the exact payload in base64).")
        var format: Format = .table

        enum Format: String, ExpressibleByArgument, CaseIterable { case table, jsonl }

        func run() throws {
            var filter = try selection.filter(limit: limit)
            filter.unresolvedOnly = !all
            let letters: [StoredDeadLetter]
            do {
                letters = try selection.openStore().deadLetters(filter: filter)
            } catch let failure as ExitCode {
                throw failure
            } catch {
                throw CommandFailure.exit("\(error)", code: 1)
            }
            for letter in letters {
                switch format {
                case .table:
                    let state = letter.resolvedAt == nil ? "" : "  (resolved)"
                    print("\(letter.id)  \(ISO8601Timestamp.string(letter.receivedAt))  \(letter.reason)  \(letter.topic)\(state)")
                    print("    \(letter.detail)")
                    print("    payload (\(letter.payload.count) bytes): \(Self.preview(letter.payload))")
                case .jsonl:
                    let object: [String: Any] = [
                        "id": letter.id, "receivedAt": ISO8601Timestamp.string(letter.receivedAt), "topic": letter.topic,
                        "reason": letter.reason, "detail": letter.detail, "payload": Data(letter.payload).base64EncodedString(),
                        "resolvedAt": letter.resolvedAt.map { ISO8601Timestamp.string($0) } ?? NSNull(),
                    ]
                    let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])
                    print(String(decoding: data, as: UTF8.self))
                }
            }
        }

        /// Printable ASCII as is, everything else as `\xHH`, cut at 80 bytes.
        static func preview(_ payload: [UInt8]) -> String {
            var text = ""
            for byte in payload.prefix(80) {
                if byte >= 0x20 && byte < 0x7F { text.unicodeScalars.append(Unicode.Scalar(byte)) }
                else { text += "\\x" + String(byte, radix: 16, uppercase: true).leftPadded(to: 2) }
            }
            return payload.count > 80 ? text + "…" : text
        }
    }

    struct Replay: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Re-decode unresolved dead letters with the current catalog; store what now decodes and mark it resolved.",
            discussion: "Exit code 0 when every selected dead letter was recovered, 1 when some still fail."
        )

        @OptionGroup var selection: Selection

        @OptionGroup var catalog: CatalogOptions

        @Option(name: .customLong("max-payload"), help: "Payload size limit, as the daemon's. Default: max-payload of the configuration, or 65536.")
        var maxPayload: String?

        func run() throws {
            let settings = try selection.store.settings(flags: ["devices": catalog.devices, "max-payload": maxPayload])
            let catalog: DeviceCatalog
            do {
                catalog = try DeviceCatalog.load(directory: settings.devices)
            } catch {
                for diagnostic in error.diagnostics { printError(diagnostic.description) }
                throw ExitCode(2)
            }
            let filter = try selection.filter(limit: nil)
            let store = try selection.openStore()
            let report: DeadLetterRecovery.Report
            do {
                report = try DeadLetterRecovery(store: store, catalog: catalog, maxPayloadBytes: settings.maxPayload)
                    .run(filter: filter, resolvedAt: WallClock.milliseconds())
            } catch {
                throw CommandFailure.exit("\(error)", code: 1)
            }
            print("examined \(report.examined), recovered \(report.recovered) (\(report.readings) new readings), "
                  + "still failing \(report.examined - report.recovered)")
            for (reason, count) in report.stillFailing.sorted(by: { $0.value > $1.value }) {
                print("  \(reason): \(count)" + (report.examples[reason].map { "  e.g. \($0)" } ?? ""))
            }
            if report.recovered < report.examined { throw ExitCode(1) }
        }
    }
}

private extension String {
    func leftPadded(to width: Int) -> String {
        String(repeating: "0", count: max(0, width - count)) + self
    }
}
