import ArgumentParser
import Bridge
import Foundation
import Logging
import MQTT
import Replay
import Rules
import Storage
import Telemetry

struct ReplayCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replay",
        abstract: "Run stored readings through rules (the daemon's engine, event time) and print the alerts.",
        discussion: """
            --diff alone (or with --rules naming the configured rules) compares the replayed alerts with \
            those the daemon stored for the same range. --rules DRAFT --diff compares a draft rule set with \
            the current one (--baseline, default the configured rules) over the same history. With --diff the exit code is 0 when identical and 1 \
            when they differ.

            --publish URL republishes the stored readings to a broker in their device type's catalog format \
            and topic (or --normalized JSON on telemetry-bridge/replay/<device>/<metric>), in event-time order, \
            spaced like the original (--speed 1, the default, is real time) or --max as fast as the broker takes \
            them. Types without an event-time field (value, zigbee) are stamped with the receive time by whoever \
            ingests them. --report FILE.html writes a self-contained HTML report (summary, charts with alert \
            bands, alert table). On a terminal, a progress bar with rate and ETA is drawn on standard error.
            """
    )

    @Option(help: "Configuration file (YAML). Default: ./bridge.yaml when it exists. Env: TELEMETRY_BRIDGE_CONFIG.")
    var config: String?

    @Option(help: "SQLite database file. Default: the configured one, else ./telemetry.sqlite.")
    var db: String?

    @OptionGroup var catalog: CatalogOptions

    @Option(help: "Rule directory to replay. Default: the configured rules, else ./Rules.")
    var rules: String?

    @Option(help: "With --rules and --diff: the current rules to compare against. Default: the configured rules, else ./Rules.")
    var baseline: String?

    @Option(parsing: .unconditional, help: "From this time, inclusive: ISO 8601 (2026-11-23T10:00:00Z), epoch ms, or relative (-24h).")
    var from: String?

    @Option(parsing: .unconditional, help: "Up to this time, exclusive: ISO 8601, epoch ms, or relative (-1h, now). Default: the latest stored reading.")
    var to: String?

    @Option(help: "Device id or glob (gh-*). Repeatable.")
    var device: [String] = []

    @Option(help: "Device type. Repeatable.")
    var type: [String] = []

    @Option(help: "table, jsonl or csv.")
    var format: ReplayFormat = .table

    @Flag(help: "Compare with the stored live alerts, or with --rules given, a draft with the current rules. Exit 1 on differences.")
    var diff = false

    @Option(help: "With --diff, ignore events moved by at most this much (e.g. 1s). Default: 1s against the live log (the daemon's clock ticks once a second), 0 between rule sets.")
    var tolerance: String?

    @Option(help: "What-if silences: a file with a 'maintenance:' list (as in Rules/maintenance.yaml) whose windows also mute the replayed (with --rules DRAFT --diff, the draft's) alerts; --diff counts the notifications they save.")
    var silences: String?

    @Option(help: "Seed of the replayed event ids (the same seed gives the same ids).")
    var seed: UInt64 = 0

    @Option(help: "Republish the stored readings to this broker (mqtt://host:port) instead of running rules.")
    var publish: String?

    @Option(help: "With --publish: event-time speed, 1 = real time, 60 = an hour per minute. Default: 1.")
    var speed: Double?

    @Flag(help: "With --publish: as fast as the broker takes them (QoS 1, backpressure).")
    var max = false

    @Flag(help: "With --publish: one JSON per reading on telemetry-bridge/replay/<device>/<metric> instead of the catalog format.")
    var normalized = false

    @Option(help: "Also write a self-contained HTML report (summary, charts, alert table) to this file.")
    var report: String?

    @Option(help: "Sweep a rule parameter ($name, declared in params:) or setting (for, clear_for, keep_firing_for; Rule.key for one rule) over values: 'threshold=28,30,32'. Repeatable: every combination is replayed, in parallel, and measured.")
    var sweep: [String] = []

    func validate() throws {
        if publish == nil, speed != nil || max || normalized {
            throw ValidationError("--speed, --max and --normalized need --publish")
        }
        if max, speed != nil { throw ValidationError("--speed and --max exclude each other") }
        if let speed, !(speed > 0 && speed.isFinite) { throw ValidationError("--speed must be a positive number") }
        if publish != nil, diff || report != nil { throw ValidationError("--publish cannot be combined with --diff or --report") }
        if report != nil, diff { throw ValidationError("--report cannot be combined with --diff") }
        if !sweep.isEmpty, diff || report != nil || publish != nil {
            throw ValidationError("--sweep cannot be combined with --diff, --report or --publish")
        }
    }

    func run() throws {
        let settings = try ConfigurationResolver.resolveLocal(config: config, flags: ["db": db, "devices": catalog.devices, "rules": rules])
        let configuredRules = settings.rules ?? "./Rules"
        let database = settings.database
        let now = WallClock.milliseconds()
        var scope = ReplayScope(devices: device.isEmpty ? nil : device, types: type.isEmpty ? nil : Set(type))
        do {
            scope.from = try from.map { try TimeArgument.parse($0, option: "from", now: now) }
            scope.to = try to.map { try TimeArgument.parse($0, option: "to", now: now) }
        } catch {
            throw CommandFailure.exit("\(error)", code: 2)
        }
        if let from = scope.from, let to = scope.to, to <= from {
            throw CommandFailure.exit("--to must be after --from", code: 2)
        }
        // A draft is a rule directory other than the current one; --rules naming the configured
        // directory (or --diff alone) compares with the live log.
        let currentRules = baseline ?? configuredRules
        let whatIf = diff && rules.map { Self.samePath($0, currentRules) == false } ?? false
        let toleranceMs: Int64
        if let tolerance {
            guard let parsed = tolerance == "0" ? 0 : DurationParser.milliseconds(tolerance) else {
                throw CommandFailure.exit("invalid --tolerance '\(tolerance)': expected a duration such as 1s or 0", code: 2)
            }
            toleranceMs = parsed
        } else {
            toleranceMs = diff && !whatIf ? 1000 : 0
        }
        if baseline != nil, !whatIf {
            throw CommandFailure.exit("--baseline needs --diff and --rules naming another directory", code: 2)
        }
        guard FileManager.default.fileExists(atPath: database) else {
            throw CommandFailure.exit("\(database): no such database", code: 2)
        }
        if let publish {
            try republish(to: publish, database: database, scope: scope)
            return
        }
        let catalog = try Self.catalog(directory: settings.devices)
        let schema = RuleSchema(catalog: catalog)
        if !sweep.isEmpty {
            try runSweep(directory: rules ?? configuredRules, schema: schema, devices: settings.devices, database: database, scope: scope)
            return
        }
        var candidate = try Self.ruleSet(directory: rules ?? configuredRules, schema: schema, devices: settings.devices)
        if let silences {
            candidate = candidate.addingMaintenance(try Self.silences(file: silences, schema: schema))
        }
        let current = whatIf ? try Self.ruleSet(directory: currentRules, schema: schema, devices: settings.devices) : nil

        let output = OutputBuffer()
        let colour = isatty(STDOUT_FILENO) != 0 && ProcessInfo.processInfo.environment["NO_COLOR"] == nil
        do {
            let store = try TelemetryStore(path: database)
            let replayer = Replayer(store: store, scope: scope, seed: seed)
            let showsProgress = isatty(STDERR_FILENO) != 0
            let census = report != nil || showsProgress ? try replayer.census() : nil
            let progress = ReplayProgress(total: census?.count ?? 0, enabled: showsProgress)
            let identical: Bool
            if let current {
                identical = try Self.compare(replayer, current: current, draft: candidate, tolerance: toleranceMs,
                                             format: format, colour: colour, output: output, progress: progress)
            } else if diff {
                identical = try Self.compareWithLive(replayer, rules: candidate, tolerance: toleranceMs,
                                                     format: format, colour: colour, output: output, progress: progress)
            } else {
                let devices = try store.devices().map(\.id)
                let formatter = ReplayEventFormatter(format: format, rules: candidate, devices: devices, colour: colour)
                let reportStart: Int64 = scope.from ?? census?.first ?? 0
                let reportEnd: Int64 = scope.to ?? (census?.last ?? reportStart) + 1
                let collector: ReportCollector? = report == nil ? nil
                    : ReportCollector(ReplayReport(start: reportStart, end: reportEnd, catalog: catalog, rules: candidate))
                if let header = formatter.header { try output.line(header) }
                // Devices are replayed one after the other; the alerts (far fewer than the
                // readings) are kept and written in global event-time order at the end.
                var events: [AlertEvent] = []
                func write(_ replay: DeviceReplay) throws {
                    events += replay.events[0]
                }
                if collector == nil, !showsProgress {
                    try replayer.run([candidate], write)
                } else {
                    try replayer.run([candidate], observing: { reading, device in
                        collector?.report.add(reading, device: device)
                        progress.advance()
                    }, write)
                }
                for event in Replayer.inEventTimeOrder(events) {
                    collector?.report.add(event)
                    try output.line(formatter.line(for: event))
                }
                if let report, let collector {
                    do {
                        try collector.report.html().write(toFile: report, atomically: true, encoding: .utf8)
                    } catch {
                        throw CommandFailure.exit("cannot write the report \(report): \(error)", code: 1)
                    }
                }
                identical = true
            }
            progress.finish()
            try output.flush()
            if !identical { throw ExitCode(1) }
        } catch let exit as ExitCode {
            throw exit
        } catch {
            try? output.flush()
            throw CommandFailure.exit("\(error)", code: 1)
        }
    }

    /// `--publish`: the stored readings in scope to a broker, in event-time order.
    private func republish(to url: String, database: String, scope: ReplayScope) throws {
        let configuration = try ConfigurationResolver.resolve(
            config: config, flags: ["db": db, "devices": catalog.devices, "broker": url].compactMapValues { $0 })
        let encoding: Republisher.Encoding = normalized ? .normalized : .catalog(try Self.catalog(directory: configuration.devices))
        let logger = LogSetup.bootstrap(level: configuration.logLevel)
        let summary: Republisher.Summary
        do {
            let store = try TelemetryStore(path: database)
            let republisher = Republisher(replayer: Replayer(store: store, scope: scope), encoding: encoding,
                                          speed: max ? nil : speed ?? 1)
            guard let census = try republisher.replayer.census() else {
                print("no stored readings in range: nothing published")
                return
            }
            var mqtt = try configuration.mqttConfiguration(clientIDSuffix: "-replay")
            mqtt.cleanSession = true
            mqtt.statusTopic = nil
            let client = MQTTClient(configuration: mqtt, logger: logger)
            try client.connect(subscriptions: []) { _ in }
            defer { client.disconnect() }
            let progress = ReplayProgress(total: census.count)
            summary = try republisher.run(census: census, progress: { progress.advance(by: $0) }) { topic, payload in
                try client.publish(topic: topic, payload: payload, qos: 1)
            }
            progress.finish()
            try client.flush(timeout: .seconds(60))
        } catch let error as MQTTError {
            throw CommandFailure.exit(.mqtt(error))
        } catch {
            throw CommandFailure.exit("\(error)", code: 1)
        }
        if summary.skippedReadings > 0 {
            printError("skipped \(summary.skippedReadings) readings of device types not in the catalog: "
                       + summary.skippedTypes.sorted().joined(separator: ", "))
        }
        print("published \(summary.readings) readings in \(summary.messages) messages to \(Self.withoutCredentials(url))")
    }

    /// The URL without `user:password@`, for output.
    private static func withoutCredentials(_ url: String) -> String {
        guard let scheme = url.range(of: "://"), let at = url[scheme.upperBound...].lastIndex(of: "@") else { return url }
        return String(url[..<scheme.upperBound]) + String(url[url.index(after: at)...])
    }

    /// Draft against current rules over the same readings, in one pass.
    private static func compare(
        _ replayer: Replayer, current: RuleSet, draft: RuleSet, tolerance: Int64, format: ReplayFormat, colour: Bool,
        output: OutputBuffer, progress: ReplayProgress
    ) throws -> Bool {
        let formatter = DifferenceFormatter(format: format, baselineName: "current", candidateName: "draft", colour: colour)
        if let header = formatter.header { try output.line(header) }
        let comparison = try replayer.compare(current: current, draft: draft, tolerance: tolerance,
                                              observing: { _, _ in progress.advance() }) { difference in
            try output.line(formatter.line(for: difference))
        }
        for line in formatter.summary(comparison) { try output.line(line) }
        return comparison.isIdentical
    }

    /// The replay against the alerts the daemon stored for the same range and devices.
    private static func compareWithLive(
        _ replayer: Replayer, rules: RuleSet, tolerance: Int64, format: ReplayFormat, colour: Bool, output: OutputBuffer,
        progress: ReplayProgress
    ) throws -> Bool {
        let formatter = DifferenceFormatter(format: format, baselineName: "live", candidateName: "replay", colour: colour)
        if let header = formatter.header { try output.line(header) }
        let comparison = try replayer.compareWithLive(rules: rules, tolerance: tolerance,
                                                      observing: { _, _ in progress.advance() }) { difference in
            try output.line(formatter.line(for: difference))
        }
        for line in formatter.summary(comparison) { try output.line(line) }
        return comparison.isIdentical
    }

    private static func samePath(_ a: String, _ b: String) -> Bool {
        URL(fileURLWithPath: a).standardizedFileURL.resolvingSymlinksInPath().path
            == URL(fileURLWithPath: b).standardizedFileURL.resolvingSymlinksInPath().path
    }

    private static func catalog(directory: String) throws -> DeviceCatalog {
        do {
            return try DeviceCatalog.load(directory: directory)
        } catch {
            for diagnostic in error.diagnostics { printError(diagnostic.description) }
            throw ExitCode(2)
        }
    }

    /// `--silences FILE`: its maintenance windows; exit 2 with every diagnostic when it is invalid.
    static func silences(file: String, schema: RuleSchema) throws -> MaintenanceSchedule {
        let contents: String
        do throws(TextFile.Failure) {
            contents = try TextFile.read(file)
        } catch {
            throw CommandFailure.exit("--silences \(file): \(error.reason)", code: 2)
        }
        do {
            return try RuleSet.maintenance(file: file, contents: contents, schema: schema)
        } catch {
            for diagnostic in error.diagnostics { printError(diagnostic.description) }
            printError("\(error.diagnostics.count) error(s) in \(file)")
            throw ExitCode(2)
        }
    }

    static func ruleSet(
        directory: String, schema: RuleSchema, devices: String, overrides: RuleOverrides = RuleOverrides()
    ) throws -> RuleSet {
        do {
            return try RuleSet.load(directory: directory, schema: schema, attributesFile: RuleSet.attributesFile(devices: devices),
                                    overrides: overrides)
        } catch {
            for diagnostic in error.diagnostics { printError(diagnostic.description) }
            printError("\(error.diagnostics.count) error(s) in \(directory)")
            throw ExitCode(2)
        }
    }
}

extension ReplayFormat: ExpressibleByArgument {}

/// Buffers standard output into large writes.
private final class OutputBuffer {
    private var bytes: [UInt8] = []

    func line(_ text: String) throws {
        bytes.append(contentsOf: text.utf8)
        bytes.append(10)
        if bytes.count >= 1 << 16 { try flush() }
    }

    func flush() throws {
        guard !bytes.isEmpty else { return }
        try FileHandle.standardOutput.write(contentsOf: bytes)
        bytes.removeAll(keepingCapacity: true)
    }
}

/// Lets the replay's reading observer and event body both add to one report.
private final class ReportCollector {
    var report: ReplayReport

    init(_ report: ReplayReport) {
        self.report = report
    }
}
