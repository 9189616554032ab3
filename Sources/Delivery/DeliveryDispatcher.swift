import Foundation
import Logging
import Storage
import Telemetry

/// Delivers the alert log to one sink, in log order, at least once.
///
/// The dispatcher owns a thread (deliveries block on the network and SQLite; they never run on
/// Swift concurrency's cooperative threads), at a lower priority than ingest (see
/// ``DeliveryThread``). Each round reads up to ``Settings/batchSize`` events
/// after the sink's durable cursor, hands them to the sink, and moves the cursor over what the
/// sink confirmed (written at most every ``Settings/cursorWriteInterval`` under load), so a
/// restart resumes where confirmation stopped: consumers see an event again
/// after a crash between delivery and cursor update, and de-duplicate by its `id`. A failing
/// sink is retried with capped exponential backoff; ingest never waits for it, its lag grows.
///
/// ``wake()`` (called after each commit that stored alert events) starts a round at once; without
/// it the dispatcher looks again every ``Settings/tick``.
public final class DeliveryDispatcher: @unchecked Sendable {
    public struct Settings: Sendable {
        public var batchSize = 256
        public var backoff = DeliveryBackoff()
        /// Milliseconds between looks at the log (and calls of the sink's `prepare`) when idle.
        public var tick: Int64 = 1000
        /// A new sink starts at the first event of the log instead of after the last one.
        public var fromStart = false
        /// Milliseconds a confirmed position may wait in memory before it is written, while events
        /// keep coming (it is written at once when the sink is idle, refused an event, or stops):
        /// fewer small write transactions beside ingest; after a crash at most this much more is
        /// delivered again.
        public var cursorWriteInterval: Int64 = 250
        /// While this says so (ingest is draining a backlog), rounds wait, up to
        /// ``maximumYield`` ms each: the events are safe in the outbox, the readings still queued
        /// at the broker are not (a broker drops what exceeds its queue limits), and on a small
        /// machine every core is needed for ingest then. Nil: never.
        public var yieldWhile: (@Sendable () -> Bool)?
        /// The longest a round waits for ``yieldWhile``, so that under lasting overload events
        /// still flow (a round at least this often) and the lag stays bounded.
        public var maximumYield: Int64 = 2000

        public init() {}
    }

    public let sink: any AlertSink
    private let store: TelemetryStore
    private let logger: Logger
    private let metrics: DeliveryMetrics?
    private let settings: Settings
    private let clock: @Sendable () -> Int64

    /// Guards everything below (the thread reads `stopping` and `wakePending`; others read `status`).
    private let condition = NSCondition()
    private var stopping = false
    private var finished = false
    private var wakePending = false
    private var retryPending = false
    private var lastPersistedFailure: Int64 = 0
    private var started = false
    private var current: DeliveryStatus

    public init(sink: any AlertSink, store: TelemetryStore, logger: Logger, metrics: DeliveryMetrics? = nil,
                settings: Settings = Settings(), clock: @escaping @Sendable () -> Int64 = WallClock.milliseconds) {
        self.sink = sink
        self.store = store
        self.logger = logger
        self.metrics = metrics
        self.settings = settings
        self.clock = clock
        current = DeliveryStatus(sink: sink.name)
    }

    /// Registers the sink (a new one starts after the events already stored, see
    /// ``Settings/fromStart``) and starts the thread. Idempotent.
    public func start() throws(StorageError) {
        condition.lock()
        let alreadyStarted = started
        started = true
        condition.unlock()
        guard !alreadyStarted else { return }
        let cursor = try store.registerSink(sink.name, fromStart: settings.fromStart, at: clock())
        sink.attach { [weak self] in self?.retryNow() }
        let name = "sink-\(sink.name)"
        let thread = Thread { [self] in
            DeliveryThread.configureCurrent(name: name)
            run(cursor: cursor)
        }
        thread.start()
    }

    /// Starts a round now (events were committed, or the sink became usable).
    public func wake() {
        condition.lock()
        wakePending = true
        condition.broadcast()
        condition.unlock()
    }

    /// Starts a round now even while backing off: the sink became usable again (reconnected).
    public func retryNow() {
        condition.lock()
        retryPending = true
        condition.broadcast()
        condition.unlock()
    }

    /// Asks the thread to stop after the sink call in progress; returns without waiting.
    public func requestStop() {
        condition.lock()
        stopping = true
        condition.broadcast()
        condition.unlock()
    }

    /// Stops and waits for the thread (up to `timeout` ms; a sink call in progress is bounded by
    /// the sink's own timeouts).
    public func stop(timeout: Int64 = 15_000) {
        requestStop()
        condition.lock()
        defer { condition.unlock() }
        guard started else { return }
        let deadline = Date(timeIntervalSinceNow: Double(timeout) / 1000)
        while !finished {
            if !condition.wait(until: deadline) { break }
        }
    }

    /// This process's view of the sink (the stored cursor is in ``TelemetryStore/deliveryStates()``).
    public var status: DeliveryStatus {
        condition.lock()
        defer { condition.unlock() }
        return current
    }

    // MARK: The thread

    /// The confirmed position: in memory (`cursor`) and as last written (`stored`).
    private struct Position {
        var cursor: Int64
        var stored: Int64
        var storedAt: Int64 = 0
        var refusals: [DeliveryRefusal] = []
    }

    private func run(cursor initial: Int64) {
        var position = Position(cursor: initial, stored: initial)
        var failures = 0
        while !isStopping() {
            yieldToIngest()
            let waitMilliseconds: Int64
            switch round(&position) {
            case .delivered:
                failures = 0
                if position.refusals.isEmpty && clock() &- position.storedAt < settings.cursorWriteInterval { continue }
                writeCursor(&position)
                continue
            case .idle:
                failures = 0
                waitMilliseconds = settings.tick
            case .failed:
                failures += 1
                waitMilliseconds = settings.backoff.delay(afterFailures: failures, jitter: Double.random(in: 0...1))
            }
            writeCursor(&position)
            if waitForWake(milliseconds: waitMilliseconds, wakeable: failures == 0), sink.linger > 0 {
                waitForWake(milliseconds: sink.linger, wakeable: false)
            }
        }
        writeCursor(&position)
        condition.lock()
        finished = true
        condition.broadcast()
        condition.unlock()
    }

    /// Waits while ``Settings/yieldWhile`` holds, for at most ``Settings/maximumYield`` ms
    /// (looking again every 20 ms: only while ingest is saturated).
    private func yieldToIngest() {
        guard let busy = settings.yieldWhile, busy() else { return }
        let start = clock()
        while busy() && clock() &- start < settings.maximumYield && !isStopping() {
            waitForWake(milliseconds: 20, wakeable: false)
        }
    }

    private enum RoundResult {
        case delivered, idle, failed
    }

    /// Writes the confirmed position (and the refusals) if it moved; a failure is reported and
    /// retried on the next write (the position in memory stays: nothing is delivered again).
    private func writeCursor(_ position: inout Position) {
        guard position.cursor > position.stored || !position.refusals.isEmpty else { return }
        let now = clock()
        do {
            position.stored = try store.advanceDeliveryCursor(sink: sink.name, to: position.cursor,
                                                              refusals: position.refusals, at: now)
            position.storedAt = now
            position.refusals = []
        } catch {
            recordFailure("cannot store the delivery cursor: \(error)")
        }
    }

    private func round(_ position: inout Position) -> RoundResult {
        let cursor = position.cursor
        do throws(DeliveryFailure) {
            try sink.prepare(cursor: cursor, now: clock())
        } catch {
            recordFailure(error.message)
            return .failed
        }
        let events: [LoggedAlertEvent]
        do {
            events = try store.alertEvents(after: cursor, limit: settings.batchSize)
        } catch {
            recordFailure("cannot read the alert log: \(error)")
            return .failed
        }
        guard !events.isEmpty else {
            recordSuccess()  // usable (prepared, log read), just nothing to deliver
            return .idle
        }
        let outcome = sink.deliver(events)
        var confirmed = 0
        if let through = outcome.confirmedThrough, through > cursor {
            position.cursor = through
            position.refusals += outcome.refusals
            confirmed = events.reduce(0) { $0 + ($1.sequence <= through ? 1 : 0) }
            for refusal in outcome.refusals {
                logger.error("alert event refused for good by a sink (recorded as its dead letter; delivery goes on)", metadata: [
                    "sink": "\(sink.name)", "event": "\(refusal.eventID)", "reason": "\(refusal.reason)",
                    "response": "\(refusal.response.prefix(200))",
                ])
            }
        }
        let now = clock()
        metrics?.recordRound(sink: sink.name, delivered: confirmed, refused: outcome.refusals.count, at: now)
        condition.lock()
        current.delivered += confirmed
        if confirmed > 0 { current.lastSuccessAt = now }
        condition.unlock()
        if let failure = outcome.failure {
            recordFailure(failure.message)
            return .failed
        }
        recordSuccess()
        return .delivered
    }

    private func recordFailure(_ message: String) {
        let now = clock()
        metrics?.recordFailure(sink: sink.name)
        condition.lock()
        let first = current.failingSince == nil
        current.failures += 1
        current.lastFailure = message
        if first { current.failingSince = now }
        let persist = first || now &- lastPersistedFailure >= 10_000
        if persist { lastPersistedFailure = now }
        condition.unlock()
        if persist {
            // For `alerts deliveries` in another process; best effort (the store may be what fails).
            try? store.recordDeliveryFailure(sink: sink.name, error: message, at: now)
        }
        if first {
            logger.warning("alert delivery failing; retrying with backoff (events wait in the alert log)", metadata: [
                "sink": "\(sink.name)", "error": "\(message)",
            ])
        }
    }

    private func recordSuccess() {
        condition.lock()
        let recovered = current.failingSince != nil
        current.failingSince = nil
        condition.unlock()
        if recovered {
            try? store.clearDeliveryFailure(sink: sink.name)
            logger.notice("alert delivery recovered", metadata: ["sink": "\(sink.name)"])
        }
    }

    private func isStopping() -> Bool {
        condition.lock()
        defer { condition.unlock() }
        return stopping
    }

    /// Waits `milliseconds`, or less if a wake arrives and `wakeable` (a backoff is not cut short
    /// by new events, only by ``retryNow()`` or a stop).
    /// Returns whether a wake (not the deadline) ended the wait.
    @discardableResult
    private func waitForWake(milliseconds: Int64, wakeable: Bool) -> Bool {
        let deadline = Date(timeIntervalSinceNow: Double(milliseconds) / 1000)
        condition.lock()
        defer { condition.unlock() }
        while !stopping && !retryPending && !(wakeable && wakePending) {
            if !condition.wait(until: deadline) { break }
        }
        let woken = wakePending || retryPending
        wakePending = false
        retryPending = false
        return woken && !stopping
    }
}
