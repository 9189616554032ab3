import Dispatch
import Logging
import Operations
import Replay
import Rules
import Storage
import Synchronization
import Telemetry

/// Turns a batch of broker messages into readings, dead letters and alert events, and commits
/// them in one transaction. It runs synchronously on the MQTT loop thread: when `ingest`
/// returns, everything in the batch is in SQLite and the client may acknowledge the messages.
///
/// Rule evaluation and the commit happen under one lock, shared with the wall-clock `tick` and
/// rule `reload`, so alert events are stored in the order the engine produced them. The alert log
/// is the outbox: sinks deliver from it in that order (see `DeliveryDispatcher`), told of new
/// events through the commit observer.
public final class IngestPipeline: Sendable {
    private struct State {
        var engine: RuleEngine?
        /// Last receive-time stamp per series, to keep such readings distinct (see `makeDistinct`).
        var lastReceiveStamp: [SeriesKey: Int64] = [:]
        /// Devices whose series units were already handed to the store by this process.
        var unitsSent: Set<String> = []
        /// Active devices (see ``IngestLimits``) and the receive time they were last seen at.
        var activeDevices: [String: Int64] = [:]
        /// Stored devices already silent beyond the retention at start: the store's writer cache
        /// loads them on its first write, and the first release lets them go.
        var inactiveAtStart: Set<String> = []
        /// Whether the device limit was hit (it is logged once).
        var deviceLimitReported = false
        /// The last operator event (acknowledgement, silence) of the log taken into account, and
        /// the silences of the log up to it: what every engine the pipeline runs (after a reload or
        /// a rebuild too) consults.
        var operatorCursor: Int64 = 0
        var silences = Silences()
    }

    /// How often the daemon calls ``releaseSilentDevices(now:)``.
    public static let releaseInterval = 60

    private let catalog: DeviceCatalog
    private let decoder: MessageDecoder
    private let store: TelemetryStore
    private let logger: Logger
    /// Device types whose payloads carry no event time: their readings are stamped on receipt.
    private let receiveTimeTypes: Set<String>
    private let state: Mutex<State>
    public let counters: IngestCounters
    private let clock: @Sendable () -> Int64
    /// A batch this large means the broker had more waiting: a backlog is being drained.
    private let backlogBatchSize: Int
    /// Set while a backlog is drained; the wall-clock tick waits until it is caught up.
    public let backlog: BacklogSignal
    private let metrics: BridgeMetrics?
    private let commitObserver: CommitObserver?
    private let limits: IngestLimits
    /// Operators' actions (acknowledge, silence) run under the pipeline's lock (see ``perform(_:)``).
    private let operations: AlertOperator

    /// - Parameters:
    ///   - rules: the engine to run, already warmed up (see `AlertWarmUp`); nil turns alerting off.
    ///   - metrics: instruments updated once per commit; nil costs nothing.
    ///   - commitObserver: told about every commit (see ``CommitObserver``), alert dispatchers among others.
    ///   - limits: bounds on devices and event times (the devices seen within the retention are
    ///     read from the store).
    ///   - clock: wall-clock milliseconds since the epoch, injected so tests control time.
    public init(catalog: DeviceCatalog, maxPayloadBytes: Int, store: TelemetryStore, rules: RuleEngine? = nil,
                logger: Logger = Logger(label: "telemetry-bridge.pipeline"),
                counters: IngestCounters = IngestCounters(), backlogBatchSize: Int = 1000, backlog: BacklogSignal = BacklogSignal(),
                metrics: BridgeMetrics? = nil, commitObserver: CommitObserver? = nil, limits: IngestLimits = .none,
                clock: @escaping @Sendable () -> Int64 = WallClock.milliseconds) throws(StorageError)
    {
        self.limits = limits
        self.metrics = metrics
        self.commitObserver = commitObserver
        self.backlogBatchSize = backlogBatchSize
        self.backlog = backlog
        self.catalog = catalog
        self.decoder = MessageDecoder(catalog: catalog, maxPayloadBytes: maxPayloadBytes,
                                      maxTimestampAge: limits.maxTimestampAge, maxTimestampAhead: limits.maxTimestampAhead)
        self.store = store
        self.logger = logger
        self.counters = counters
        self.clock = clock
        receiveTimeTypes = Set(catalog.types.filter { $0.timestampPath == nil && $0.format != .senml }.map(\.name))
        var initial = State(engine: rules)
        operations = AlertOperator(store: store)
        let operatorEvents = try store.operatorEvents()
        initial.silences = OperatorLog.silences(from: operatorEvents)
        initial.engine?.silences = initial.silences
        initial.operatorCursor = operatorEvents.last?.sequence ?? 0
        if limits.tracksDevices {
            let since = limits.deviceStateRetention.map { clock() &- $0 } ?? .min
            for device in try store.devices() {
                if device.lastSeen >= since {
                    initial.activeDevices[device.id] = device.lastSeen
                } else {
                    initial.inactiveAtStart.insert(device.id)
                }
            }
        }
        state = Mutex(initial)
    }

    /// Decodes and commits `messages`. Throws only when the commit fails; the caller must then
    /// not acknowledge the messages, so the broker redelivers them.
    @discardableResult
    public func ingest(_ messages: [InboundMessage]) throws(StorageError) -> WriteOutcome {
        counters.pending.add(messages.count, ordering: .relaxed)
        defer { counters.pending.subtract(messages.count, ordering: .relaxed) }
        backlog.recordBatch(full: messages.count >= backlogBatchSize)
        var batch = IngestBatch(observedAt: clock())
        batch.readings.reserveCapacity(messages.count * 2)
        var decoded = messages.map(decoder.decode)
        let outcome = try state.withLock { (state: inout State) throws(StorageError) -> WriteOutcome in
            if limits.tracksDevices {
                admit(&decoded, messages: messages, limit: limits.maxDevices ?? .max, state: &state)
            }
            var seenDevices: [String: Int] = [:]
            for result in decoded {
                if let device = result.device {
                    if let index = seenDevices[device.id] {
                        batch.devices[index] = device
                    } else {
                        seenDevices[device.id] = batch.devices.count
                        batch.devices.append(device)
                    }
                }
                if let deadLetter = result.deadLetter {
                    batch.deadLetters.append(deadLetter)
                }
            }
            var events: [AlertEvent] = []
            for index in decoded.indices {
                guard let device = decoded[index].device, !decoded[index].readings.isEmpty else { continue }
                if receiveTimeTypes.contains(device.type) {
                    Self.makeDistinct(&decoded[index].readings, last: &state.lastReceiveStamp)
                }
                batch.readings.append(contentsOf: decoded[index].readings)
                if state.engine != nil {
                    let topic = messages[index].topic
                    let trace = messages[index].trace
                    events += state.engine?.process(decoded[index].readings, device: device, topic: topic, trace: trace) ?? []
                }
            }
            let newDevices = addUnits(to: &batch, sent: state.unitsSent)
            batch.alerts = records(for: events, engine: state.engine)
            let outcome = try commit(batch, state: &state)
            state.unitsSent.formUnion(newDevices)
            counters.messages.add(messages.count, ordering: .relaxed)
            counters.readings.add(outcome.insertedReadings, ordering: .relaxed)
            counters.duplicates.add(outcome.duplicateReadings, ordering: .relaxed)
            counters.deadLetters.add(outcome.deadLetters, ordering: .relaxed)
            counters.batches.add(1, ordering: .relaxed)
            metrics?.recordBatch(messages: messages.count, outcome: outcome, deadLetters: batch.deadLetters)
            committed(batch, outcome)
            return outcome
        }
        if let metrics { recordLag(decoded, messages: messages, into: metrics) }
        return outcome
    }

    /// Moves rule time to `now` (wall clock) without a reading: `silent()` deadlines and `for`
    /// timers fire even when devices say nothing. Returns the events committed.
    ///
    /// While a broker backlog is drained (after an outage the readings are older than the wall
    /// clock) it does nothing: otherwise every device would look silent until the backlog is in.
    @discardableResult
    public func tick(now: Int64) throws(StorageError) -> [AlertEvent] {
        followOperatorLog()
        guard !backlog.isDraining else { return [] }
        return try state.withLock { (state: inout State) throws(StorageError) -> [AlertEvent] in
            let events = state.engine?.advance(to: now) ?? []
            guard !events.isEmpty else { return [] }
            var batch = IngestBatch(observedAt: now)
            batch.alerts = records(for: events, engine: state.engine)
            committed(batch, try commit(batch, state: &state))
            return events
        }
    }

    /// Swaps in a new rule set; unchanged rules keep their state. Alerts of removed or changed
    /// rules are cleared, and those events committed.
    public func reload(_ rules: RuleSet) throws(StorageError) -> RuleReloadSummary {
        try state.withLock { (state: inout State) throws(StorageError) -> RuleReloadSummary in
            var engine = state.engine ?? RuleEngine(rules: .empty(schema: rules.schema))
            engine.silences = state.silences
            let summary = engine.reload(rules)
            state.engine = engine
            if !summary.events.isEmpty {
                var batch = IngestBatch(observedAt: clock())
                batch.alerts = records(for: summary.events, engine: state.engine)
                committed(batch, try commit(batch, state: &state))
            }
            return summary
        }
    }

    /// Carries out an operator's command (acknowledge, silence, unsilence) and takes its event into
    /// account before any later reading is evaluated: a raise after a silence's response is marked
    /// by it. Runs under the pipeline's lock, so the log's check and the engine's state agree
    /// (what the engine has raised is committed).
    public func perform(_ command: OperatorCommand) throws(OperatorError) -> LoggedAlertEvent {
        try state.withLock { (state: inout State) throws(OperatorError) -> LoggedAlertEvent in
            let event = try command.perform(with: operations, now: clock())
            followOperatorLog(&state)
            return event
        }
    }

    /// Takes into account the operator events logged since the last look, by this process or
    /// another (`alerts ack` against the database): silences reach the engine, and every such
    /// event the commit observer (the sinks, the dashboard's live events). Called by ``tick(now:)``.
    public func followOperatorLog() {
        state.withLock { followOperatorLog(&$0) }
    }

    private func followOperatorLog(_ state: inout State) {
        let events: [LoggedAlertEvent]
        do {
            events = try store.operatorEvents(after: state.operatorCursor, limit: 10_000)
        } catch {
            logger.error("cannot read operators' events from the alert log", metadata: ["error": "\(error)"])
            return
        }
        guard let last = events.last else { return }
        for event in events {
            if let decoded = OperatorLog.event(event.record) { state.silences.apply(decoded) }
        }
        state.engine?.silences = state.silences
        state.operatorCursor = last.sequence
        commitObserver?(CommittedBatch(alerts: events.map(\.record), alertSequences: events.map(\.sequence)))
    }

    /// Releases what is held for devices silent for ``IngestLimits/deviceStateRetention`` before
    /// `now` (wall clock); nothing without a retention. The daemon calls it once a minute.
    public func releaseSilentDevices(now: Int64) {
        guard let retention = limits.deviceStateRetention else { return }
        state.withLock { release(silentBefore: now &- retention, state: &$0) }
    }

    /// Devices the rule engine holds state for (0 with alerting off).
    public var engineDeviceCount: Int {
        state.withLock { $0.engine?.deviceCount ?? 0 }
    }

    /// The rule set in force, if alerting is on.
    public var rules: RuleSet? {
        state.withLock { $0.engine?.rules }
    }

    /// The alerts pending now in the live engine (empty with alerting off): what a dashboard
    /// shows for now without a warm-up. Waits for a commit in progress (the pipeline's lock).
    public var pendingAlerts: [PendingAlert] {
        state.withLock { $0.engine?.pendingAlerts ?? [] }
    }

    /// Records when each device was seen; turns messages of new devices beyond `limit` into
    /// `device_limit` dead letters. Logs the first refusal of the process.
    private func admit(_ decoded: inout [DecodedMessage], messages: [InboundMessage], limit: Int, state: inout State) {
        for index in decoded.indices {
            guard let device = decoded[index].device else { continue }
            let receivedAt = messages[index].receivedAt
            if state.activeDevices.updateValue(receivedAt, forKey: device.id) != nil { continue }
            guard state.activeDevices.count > limit else { continue }
            state.activeDevices[device.id] = nil
            decoded[index] = DecodedMessage(device: nil, readings: [], deadLetter: DeadLetter(
                message: messages[index], reasons: [.deviceLimit(device: device.id, limit: limit)]))
            if !state.deviceLimitReported {
                state.deviceLimitReported = true
                logger.warning("device limit reached: messages of new devices become dead letters (device_limit)", metadata: [
                    "max-devices": "\(limit)", "first refused": "\(device.id)",
                ])
            }
        }
    }

    /// Releases what is held for devices silent since before `cutoff`: their slot under the device
    /// limit, the store's cache of them, rule state (see `RuleEngine.releaseDevices`), receive
    /// stamps and units.
    private func release(silentBefore cutoff: Int64, state: inout State) {
        let silent = Set(state.activeDevices.lazy.filter { $0.value < cutoff }.map(\.key))
        for device in silent { state.activeDevices[device] = nil }
        store.releaseCachedDevices(silent.union(state.inactiveAtStart))
        state.inactiveAtStart = []
        let releasedRules = state.engine?.releaseDevices(lastReadingBefore: cutoff) ?? 0
        state.lastReceiveStamp = state.lastReceiveStamp.filter { $0.value >= cutoff }
        if !silent.isEmpty {
            state.unitsSent.subtract(silent)
            state.deviceLimitReported = false
        }
        if !silent.isEmpty || releasedRules > 0 {
            logger.info("released silent devices", metadata: [
                "devices": "\(silent.count)", "ruleStates": "\(releasedRules)",
            ])
        }
    }

    /// Commits; on failure the engine may have moved past events that were not stored, so it is
    /// rebuilt from the log (the same path as a restart) before the error goes up.
    private func commit(_ batch: IngestBatch, state: inout State) throws(StorageError) -> WriteOutcome {
        do {
            let started = metrics == nil ? 0 : DispatchTime.now().uptimeNanoseconds
            let outcome = try store.write(batch)
            let now = clock()
            counters.lastCommitAt.store(now, ordering: .relaxed)
            counters.lastCommitFailed.store(false, ordering: .relaxed)
            if let metrics {
                metrics.recordCommit(nanoseconds: Int64(DispatchTime.now().uptimeNanoseconds &- started), at: now)
                metrics.recordAlerts(batch.alerts)
            }
            return outcome
        } catch {
            counters.lastCommitFailed.store(true, ordering: .relaxed)
            if let rules = state.engine?.rules {
                do {
                    state.engine = try AlertWarmUp.engine(rules: rules, store: store).0
                } catch let rebuildError {
                    logger.error("cannot rebuild rule state after a failed commit; starting rules afresh",
                                 metadata: ["error": "\(rebuildError)"])
                    state.engine = RuleEngine(rules: rules)
                }
                state.engine?.silences = state.silences
            }
            throw error
        }
    }

    /// Hands a stored batch to the observer.
    private func committed(_ batch: IngestBatch, _ outcome: WriteOutcome) {
        commitObserver?(CommittedBatch(readings: batch.readings, alerts: batch.alerts, alertSequences: outcome.alertSequences,
                                       deadLetters: batch.deadLetters))
    }

    /// Ingest lag (receive time − event time) of the readings of every message of a batch of up to
    /// ``BridgeMetrics/lagSamplesPerBatch`` messages, of that many evenly spaced messages otherwise.
    /// Readings stamped on receipt have no lag to report.
    private func recordLag(_ decoded: [DecodedMessage], messages: [InboundMessage], into metrics: BridgeMetrics) {
        let step = max(1, (decoded.count + BridgeMetrics.lagSamplesPerBatch - 1) / BridgeMetrics.lagSamplesPerBatch)
        for index in stride(from: 0, to: decoded.count, by: step) {
            guard let device = decoded[index].device, !receiveTimeTypes.contains(device.type) else { continue }
            let receivedAt = messages[index].receivedAt
            for reading in decoded[index].readings {
                metrics.recordLag(milliseconds: receivedAt - reading.timestamp)
            }
        }
    }

    private func records(for events: [AlertEvent], engine: RuleEngine?) -> [AlertRecord] {
        events.map { AlertRecord($0, severity: Self.severity(of: $0, engine: engine)) }
    }

    private static func severity(of event: AlertEvent, engine: RuleEngine?) -> String? {
        switch event {
        case .raised(let raised): raised.severity.rawValue
        // Its raise's severity; events stored before clears carried it fall back to the rule's.
        case .cleared(let cleared): cleared.severity?.rawValue ?? engine?.rules.rule(named: cleared.alert)?.severity.rawValue
        }
    }

    /// Units come from the catalog, once per device and process (the store keeps them per series).
    /// Returns the devices whose units were added, to be remembered once the batch is committed:
    /// only those with a reading in it, since the store sets a unit when it creates or updates a
    /// series; a device whose message was a dead letter has no series yet and gets its units again.
    private func addUnits(to batch: inout IngestBatch, sent: Set<String>) -> [String] {
        let unsent = batch.devices.filter { !sent.contains($0.id) }
        guard !unsent.isEmpty else { return [] }
        batch.units.merge(catalog.units(for: unsent)) { current, _ in current }
        var withoutReadings = Set(unsent.map(\.id))
        for reading in batch.readings {
            withoutReadings.remove(reading.device)
            if withoutReadings.isEmpty { break }
        }
        return unsent.map(\.id).filter { !withoutReadings.contains($0) }
    }

    /// A reading's identity is (device, metric, time). Readings stamped with the receive time would
    /// collide when a series gets two in one millisecond (a backlog delivered in a burst), and the
    /// second would be taken for a duplicate. Nudging the later one forward by a millisecond keeps
    /// both, in order.
    private static func makeDistinct(_ readings: inout [Reading], last: inout [SeriesKey: Int64]) {
        for index in readings.indices {
            let key = SeriesKey(device: readings[index].device, metric: readings[index].metric)
            if let previous = last[key], readings[index].timestamp <= previous {
                readings[index].timestamp = previous + 1
            }
            last[key] = readings[index].timestamp
        }
    }
}
