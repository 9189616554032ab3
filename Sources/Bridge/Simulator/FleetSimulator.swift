import Foundation
import Logging
import Synchronization
import MQTT
import Telemetry

/// Publishes a simulated fleet to a broker at a steady rate (or flat out), until a count or a
/// duration is reached or it is stopped. The demo feed and the load generator.
public final class FleetSimulator: Sendable {
    public struct Summary: Sendable, Hashable {
        public var published: Int
        public var malformed: Int
        public var outOfRange: Int
        public var elapsedSeconds: Double
    }

    private let catalog: DeviceCatalog
    private let configuration: SimulatorConfiguration
    private let logger: Logger
    private let stopped = Atomic<Bool>(false)

    public init(catalog: DeviceCatalog, configuration: SimulatorConfiguration, logger: Logger) {
        self.catalog = catalog
        self.configuration = configuration
        self.logger = logger
    }

    /// Asks a running `run` to finish after the message in hand.
    public func stop() {
        stopped.store(true, ordering: .relaxed)
    }

    /// Publishes through `client` (already connected) and waits until the broker has everything.
    public func run(client: MQTTClient, clock: @escaping @Sendable () -> Int64 = WallClock.milliseconds)
        throws(MQTTError) -> Summary
    {
        var fleet = SimulatedFleet(catalog: catalog, configuration: configuration)
        let start = ContinuousClock.now
        let deadline = configuration.duration.map { start + .milliseconds($0) }
        let limit = configuration.count ?? Int.max
        var summary = Summary(published: 0, malformed: 0, outOfRange: 0, elapsedSeconds: 0)
        var lastProgress = start
        var turn = 0
        let virtualStart = configuration.start ?? clock()
        logger.info("simulating", metadata: [
            "devices": "\(fleet.devices.count)", "rate": configuration.rate > 0 ? "\(configuration.rate)/s" : "max",
            "qos": "\(configuration.qos)",
        ])
        outer: while summary.published < limit, !stopped.load(ordering: .relaxed) {
            let now = ContinuousClock.now
            if let deadline, now >= deadline { break }
            if configuration.rate > 0 {
                let due = start + .seconds(Double(summary.published) / configuration.rate)
                if due > now {
                    let wake = deadline.map { Swift.min($0, due) } ?? due
                    Self.sleep(until: wake)
                    continue
                }
            }
            for message in fleet.nextMessages(at: eventTime(fleet: fleet, turn: turn, virtualStart: virtualStart, clock: clock)) {
                try client.publish(topic: message.topic, payload: message.payload, qos: configuration.qos, retain: false)
                summary.published += 1
                switch message.kind {
                case .malformed: summary.malformed += 1
                case .outOfRange: summary.outOfRange += 1
                case .normal: break
                }
                if summary.published >= limit { break outer }
            }
            turn += 1
            if now - lastProgress > .seconds(10) {
                lastProgress = now
                logger.info("published", metadata: ["messages": "\(summary.published)"])
            }
        }
        try client.flush(timeout: .seconds(60))
        let elapsed = ContinuousClock.now - start
        summary.elapsedSeconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        return summary
    }

    /// Wall-clock time, or with a `step` the virtual time of this turn's round of the fleet.
    private func eventTime(fleet: SimulatedFleet, turn: Int, virtualStart: Int64, clock: @Sendable () -> Int64) -> Int64 {
        guard let step = configuration.step else { return clock() }
        return virtualStart + Int64(turn / max(1, fleet.devices.count)) * step
    }

    private static func sleep(until instant: ContinuousClock.Instant) {
        let remaining = instant - ContinuousClock.now
        guard remaining > .zero else { return }
        let nanoseconds = remaining.components.seconds * 1_000_000_000 + remaining.components.attoseconds / 1_000_000_000
        var request = timespec(tv_sec: Int(nanoseconds / 1_000_000_000), tv_nsec: Int(nanoseconds % 1_000_000_000))
        nanosleep(&request, nil)
    }
}
