import Operations
import Rules
import Storage
import Telemetry

/// Replays the stored readings through rule sets with the daemon's engine, on a virtual clock.
///
/// The log is read device by device, each device in event-time order, and every rule set gets
/// its own engine per device (rules keep state per device, so this changes nothing but keeps
/// memory bounded by one device's engine state, not by the range). Before each reading the
/// clock advances through the gap since the previous one (see `ReplayLane`); after a device's
/// last reading it advances to the end of the range, so trailing `for` timers and silences fire.
///
/// With a `from`, the readings of the rule sets' lookback before it rebuild windows and timers
/// without emitting anything, and (when `restoresFiring`) the alerts the log says were firing
/// just before `from` are restored, as on a daemon restart. Only events in `[from, to)` are
/// returned. Deterministic: the same log, scope, rules and seed give the same events and ids.
public struct Replayer: Sendable {
    public let store: TelemetryStore
    public var scope: ReplayScope
    public var seed: UInt64
    public var restoresFiring: Bool

    public init(store: TelemetryStore, scope: ReplayScope = ReplayScope(), seed: UInt64 = 0, restoresFiring: Bool = true) {
        self.store = store
        self.scope = scope
        self.seed = seed
        self.restoresFiring = restoresFiring
    }

    /// Runs every rule set over the same readings in one pass; calls `body` once per device
    /// (in the store's device order) with that device's events per rule set.
    /// - Returns: how many readings were replayed (lookback included).
    @discardableResult
    public func run(_ ruleSets: [RuleSet], _ body: (DeviceReplay) throws -> Void) throws -> Int {
        try run(ruleSets, observe: nil, finished: nil, body)
    }

    /// `run(_:_:)` that also shows every replayed reading (lookback included) with its device
    /// to `observe`, before the rules see it: a report or a progress bar follows the same pass.
    @discardableResult
    public func run(
        _ ruleSets: [RuleSet], observing observe: (Reading, Device) -> Void, _ body: (DeviceReplay) throws -> Void
    ) throws -> Int {
        try withoutActuallyEscaping(observe) { try run(ruleSets, observe: $0, finished: nil, body) }
    }

    private func run(
        _ ruleSets: [RuleSet], observe: ((Reading, Device) -> Void)?, finished: ((String, [RuleEngine]) -> Void)?,
        _ body: (DeviceReplay) throws -> Void
    ) throws -> Int {
        let devices = try storedDevices()
        guard !devices.isEmpty else { return 0 }
        let end: Int64
        if let to = scope.to {
            end = to - 1
        } else {
            let latest: [String: Int64]
            do { latest = try store.latestTimestamps() } catch { throw ReplayError.storage(error) }
            guard let last = latest.filter({ devices[$0.key] != nil }).values.max() else { return 0 }
            end = last
        }
        let lookback = ruleSets.map(\.lookback).max() ?? 0
        let start = scope.from.map { $0 - lookback }
        let restored = try firingBefore(scope.from)
        let generator = ReplayIDGenerator(seed: seed)
        // The log's silences mark replayed raises as they marked live ones (each is in force only
        // from its creation, so a replay marks nothing the live bridge did not).
        let silences: Silences
        do { silences = try OperatorLog.silences(in: store) } catch { throw ReplayError.storage(error) }
        let templates = ruleSets.map { rules in
            var engine = RuleEngine(rules: rules, idGenerator: generator)
            engine.silences = silences
            return engine
        }

        var lanes: [ReplayLane] = []
        var current: Device?
        var events: [[AlertEvent]] = []

        func open(_ device: Device) {
            lanes = templates.indices.map { index in
                var template = templates[index]
                if let from = scope.from {
                    template.restoreFiring(restored[device.id] ?? [], warmUpUntil: from - 1)
                }
                return ReplayLane(template: template, rangeStart: scope.from)
            }
            events = Array(repeating: [], count: templates.count)
            current = device
        }

        func close() throws {
            guard let device = current else { return }
            for index in lanes.indices {
                lanes[index].finish(at: end, into: &events[index])
            }
            finished?(device.id, lanes.map(\.engine))
            try body(DeviceReplay(device: device.id, events: events.map { $0.filter { scope.contains($0.at) } }))
            current = nil
        }

        let selection = scope.devices.flatMap { $0.isEmpty ? nil : $0 }
            ?? (scope.types.map { _ in Array(devices.keys).sorted() })
        let count: Int
        do {
            count = try store.forEachReadingByDevice(from: start, to: end + 1, devices: selection) { reading in
                if current?.id != reading.device {
                    try close()
                    guard let device = devices[reading.device] else { return }
                    open(device)
                }
                guard let device = current else { return }
                observe?(reading, device)
                for index in lanes.indices {
                    lanes[index].feed(reading, device: device, into: &events[index])
                }
            }
            try close()
        } catch let error as StorageError {
            throw ReplayError.storage(error)
        }
        return count
    }

    /// The events of one rule set over the scope, in event-time order across devices.
    public func events(_ rules: RuleSet) throws -> [AlertEvent] {
        var all: [AlertEvent] = []
        try run([rules]) { all += $0.events[0] }
        return Self.inEventTimeOrder(all)
    }

    /// `rules explain`: the replay of one device up to `time` (inclusive; the scope's `from` and
    /// devices are replaced), returning the rules' explanation at `time` and the device's events in
    /// the range. Nil explanations when the device has no reading in the range and its lookback.
    public func explain(_ rules: RuleSet, device: String, at time: Int64, from: Int64)
        throws -> (explanations: [RuleExplanation]?, events: [AlertEvent])
    {
        var replayer = self
        replayer.scope = ReplayScope(devices: [device])
        replayer.scope.from = from
        replayer.scope.to = time &+ 1
        var engine: RuleEngine?
        var events: [AlertEvent] = []
        try withoutActuallyEscaping({ (_: String, engines: [RuleEngine]) in engine = engines.first }) { finished in
            _ = try replayer.run([rules], observe: nil, finished: finished) { events += $0.events[0] }
        }
        return (engine?.explain(device: device, at: time), events)
    }

    /// Events by event time; at the same time, in the order the replay produced them (device
    /// order, then the engine's: a clear before the raise that follows it).
    public static func inEventTimeOrder(_ events: [AlertEvent]) -> [AlertEvent] {
        events.enumerated().sorted { ($0.element.at, $0.offset) < ($1.element.at, $1.offset) }.map(\.element)
    }

    /// The devices in scope, by id, as the store knows them (latest type and labels).
    func storedDevices() throws -> [String: Device] {
        let stored: [StoredDevice]
        do { stored = try store.devices() } catch { throw ReplayError.storage(error) }
        var devices: [String: Device] = [:]
        for device in stored where scope.selects(device: device.id, type: device.type) {
            devices[device.id] = Device(id: device.id, type: device.type, labels: device.labels)
        }
        return devices
    }

    /// Alerts firing just before `from` by the stored log, per device.
    private func firingBefore(_ from: Int64?) throws -> [String: [AlertRaised]] {
        guard restoresFiring, let from else { return [:] }
        let records: [AlertRecord]
        do { records = try store.firingAlerts(at: from - 1) } catch { throw ReplayError.storage(error) }
        var result: [String: [AlertRaised]] = [:]
        for record in records {
            guard case .raised(let raised)? = try? AlertEvent(json: record.event) else { continue }
            result[raised.device, default: []].append(raised)
        }
        return result
    }
}
