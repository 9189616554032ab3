import ArgumentParser
import Foundation
import Logging
import Bridge
import MQTT
import Telemetry

struct SimulateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "simulate",
        abstract: "Publish a simulated fleet built from the device catalog (demo feed and load generator)."
    )

    @OptionGroup var broker: BrokerOptions

    @OptionGroup var catalog: CatalogOptions

    @OptionGroup var log: LogOptions

    @Option(name: .customLong("devices-per-type"), help: "Devices simulated for each device type.")
    var devicesPerType: Int = 5

    @Option(help: "Messages per second over the whole fleet; 0 = as fast as possible.")
    var rate: Double = 10

    @Option(help: "Stop after this long (e.g. 30s, 10m). Default: run until interrupted.")
    var duration: String?

    @Option(help: "Stop after this many messages.")
    var count: Int?

    @Option(help: "Publish QoS: 0, 1 or 2.")
    var qos: Int = 1

    @Option(help: "Random seed: the same seed gives the same fleet and signals.")
    var seed: UInt64 = 1

    @Flag(help: "Inject anomalies now and then: spikes, stuck values, silent devices.")
    var anomalies = false

    @Option(help: "Share of messages (0 to 1) that are malformed or out of range.")
    var malformed: Double = 0

    @Option(name: .customLong("type"), help: "Only simulate this device type (repeatable).")
    var types: [String] = []

    @Option(parsing: .unconditional, help: "Virtual time: event time of the first sample (ISO 8601, epoch ms, now, or relative such as -24h).")
    var start: String?

    @Option(help: "Virtual time: event time advance per round of the fleet (e.g. 10s). Publishes history as fast as --rate allows.")
    var step: String?

    func validate() throws {
        guard (0...2).contains(qos) else { throw ValidationError("--qos must be 0, 1 or 2") }
        guard rate >= 0 else { throw ValidationError("--rate must be 0 (as fast as possible) or positive") }
        guard (0...1).contains(malformed) else { throw ValidationError("--malformed must be between 0 and 1") }
        guard devicesPerType >= 1 else { throw ValidationError("--devices-per-type must be at least 1") }
        if let count, count < 1 { throw ValidationError("--count must be at least 1") }
        if let step, (DurationParser.milliseconds(step) ?? 0) <= 0 {
            throw ValidationError("--step '\(step)' is not a positive duration such as 10s")
        }
        if start != nil, step == nil {
            throw ValidationError("--start needs --step (virtual time)")
        }
        if let duration, DurationParser.milliseconds(duration) == nil {
            throw ValidationError("--duration '\(duration)' is not a duration such as 30s or 10m")
        }
    }

    func run() throws {
        let settings = try broker.resolve(extraFlags: ([catalog, log] as [any SettingFlags]).flags)
        let logger = LogSetup.bootstrap(level: settings.logLevel)
        let catalog: DeviceCatalog
        do {
            catalog = try DeviceCatalog.load(directory: settings.devices)
        } catch {
            throw CommandFailure.exit(.catalog(error))
        }
        var configuration = SimulatorConfiguration()
        configuration.devicesPerType = devicesPerType
        configuration.rate = rate
        configuration.duration = duration.flatMap(DurationParser.milliseconds)
        configuration.count = count
        configuration.qos = qos
        configuration.seed = seed
        configuration.anomalies = anomalies
        configuration.malformedShare = malformed
        configuration.types = types.isEmpty ? nil : types
        configuration.step = step.flatMap(DurationParser.milliseconds)
        if let start {
            do {
                configuration.start = try TimeArgument.parse(start, option: "start", now: WallClock.milliseconds())
            } catch {
                throw CommandFailure.exit("\(error)", code: 2)
            }
        }
        if let unknown = types.first(where: { catalog.type(named: $0) == nil }) {
            throw CommandFailure.exit("no device type '\(unknown)' in \(settings.devices)", code: 2)
        }
        let simulator = FleetSimulator(catalog: catalog, configuration: configuration, logger: logger)
        let summary: FleetSimulator.Summary
        do {
            summary = try publish(simulator, settings: settings, logger: logger)
        } catch {
            throw CommandFailure.exit(.mqtt(error))
        }
        let rate = summary.elapsedSeconds > 0 ? Double(summary.published) / summary.elapsedSeconds : 0
        logger.info("done", metadata: [
            "published": "\(summary.published)", "malformed": "\(summary.malformed)",
            "outOfRange": "\(summary.outOfRange)", "seconds": "\(summary.elapsedSeconds)",
            "rate": "\(Int(rate))/s",
        ])
    }

    /// Connects a clean session (the simulator needs no persistent state), publishes until done
    /// or interrupted, then disconnects once the broker has everything.
    private func publish(_ simulator: FleetSimulator, settings: BridgeConfiguration, logger: Logger)
        throws(MQTTError) -> FleetSimulator.Summary
    {
        var mqtt = try settings.mqttConfiguration(clientIDSuffix: "-simulator")
        mqtt.cleanSession = true
        mqtt.statusTopic = nil
        let client = MQTTClient(configuration: mqtt, logger: logger)
        try client.connect(subscriptions: []) { _ in }
        defer { client.disconnect() }
        let signals = SignalWaiter()
        let watcher = Thread {
            _ = signals.wait()
            simulator.stop()
        }
        watcher.start()
        return try simulator.run(client: client)
    }
}
