import Delivery
import Foundation
import Logging
import Storage
import Synchronization
import TestSupport
import XCTest

/// The dispatcher over a real alert log, with a scripted sink: order, cursor, retries, refusals, restart.
final class DeliveryDispatcherTests: XCTestCase {
    /// Records what it was given; fails or refuses as told.
    final class ScriptedSink: AlertSink, @unchecked Sendable {
        let name: String
        private let condition = NSCondition()
        private var received: [LoggedAlertEvent] = []
        private var failuresLeft: Int
        private let refuse: Set<String>
        private(set) var rounds = 0

        init(name: String = "scripted", failures: Int = 0, refuse: Set<String> = []) {
            self.name = name
            failuresLeft = failures
            self.refuse = refuse
        }

        func deliver(_ events: [LoggedAlertEvent]) -> DeliveryOutcome {
            condition.lock()
            defer { condition.broadcast(); condition.unlock() }
            rounds += 1
            if failuresLeft > 0 {
                failuresLeft -= 1
                return .failed(DeliveryFailure("scripted failure"))
            }
            received += events
            let refusals = events.filter { refuse.contains($0.record.id) }.map {
                DeliveryRefusal(sequence: $0.sequence, eventID: $0.record.id, reason: "HTTP 400", response: "bad", at: 1)
            }
            return DeliveryOutcome(confirmedThrough: events.last?.sequence, refusals: refusals)
        }

        var ids: [String] {
            condition.lock()
            defer { condition.unlock() }
            return received.map(\.record.id)
        }

        func waitFor(_ count: Int, timeout: Double = 10) throws -> [String] {
            let deadline = Date(timeIntervalSinceNow: timeout)
            condition.lock()
            defer { condition.unlock() }
            while received.count < count {
                guard condition.wait(until: deadline) else {
                    throw TestSupportError("\(received.count) of \(count) events delivered")
                }
            }
            return received.map(\.record.id)
        }
    }

    private func settings(fromStart: Bool = true) -> DeliveryDispatcher.Settings {
        var settings = DeliveryDispatcher.Settings()
        settings.fromStart = fromStart
        settings.backoff = DeliveryBackoff(initial: 5, maximum: 20)
        settings.batchSize = 2
        return settings
    }

    func testDeliversTheLogInOrderAndMovesTheCursorAfterConfirmation() throws {
        let fixture = try DeliveryFixture()
        let raises = try (1...5).map { try fixture.raise(device: "d\($0)", at: Int64($0) * 1000) }
        let sink = ScriptedSink()
        let dispatcher = DeliveryDispatcher(sink: sink, store: fixture.store, logger: Logger(label: "test"), settings: settings())
        try dispatcher.start()
        defer { dispatcher.stop() }
        XCTAssertEqual(try sink.waitFor(5), raises.map(\.id))
        dispatcher.stop()
        XCTAssertEqual(try fixture.store.deliveryCursor(sink: "scripted"), 5)
        XCTAssertEqual(dispatcher.status.delivered, 5)
        XCTAssertNil(dispatcher.status.failingSince)
    }

    func testRoundsWaitWhileIngestIsBusyButNoLongerThanTheBound() throws {
        let fixture = try DeliveryFixture()
        let raised = try fixture.raise(at: 1000)
        let busy = Mutex((value: true, looks: 0))
        let now = Mutex<Int64>(0)
        var settings = settings()
        settings.maximumYield = 5000
        settings.yieldWhile = { busy.withLock { $0.looks += 1; return $0.value } }
        let sink = ScriptedSink()
        let dispatcher = DeliveryDispatcher(sink: sink, store: fixture.store, logger: Logger(label: "test"), settings: settings,
                                            clock: { now.withLock { $0 } })
        try dispatcher.start()
        defer { dispatcher.stop() }
        XCTAssertTrue(waitUntil(timeout: .seconds(10)) { busy.withLock { $0.looks } >= 5 })
        XCTAssertEqual(sink.rounds, 0, "no round while ingest is busy")
        now.withLock { $0 = 5000 }  // the bound: a round goes out although ingest is still busy
        XCTAssertEqual(try sink.waitFor(1), [raised.id])

        let second = try fixture.raise(device: "d2", at: 2000)
        busy.withLock { $0.value = false }
        dispatcher.wake()
        XCTAssertEqual(try sink.waitFor(2), [raised.id, second.id])
    }

    func testAFailingSinkIsRetriedAndTheCursorWaitsForIt() throws {
        let fixture = try DeliveryFixture()
        try fixture.raise(at: 1000)
        let sink = ScriptedSink(failures: 3)
        let dispatcher = DeliveryDispatcher(sink: sink, store: fixture.store, logger: Logger(label: "test"), settings: settings())
        try dispatcher.start()
        defer { dispatcher.stop() }
        XCTAssertEqual(try sink.waitFor(1).count, 1)
        dispatcher.stop()
        XCTAssertEqual(dispatcher.status.failures, 3)
        XCTAssertEqual(sink.rounds, 4)
        XCTAssertEqual(try fixture.store.deliveryCursor(sink: "scripted"), 1)
        let state = try XCTUnwrap(fixture.store.deliveryStates().first)
        XCTAssertNil(state.failingSince, "a delivery clears the stored failure")
        XCTAssertEqual(state.pendingEvents, 0)
    }

    func testASinkThatBecomesUsableWithNothingToDeliverIsNoLongerFailing() throws {
        let fixture = try DeliveryFixture()
        let sink = UnpreparedSink(failures: 2)
        let dispatcher = DeliveryDispatcher(sink: sink, store: fixture.store, logger: Logger(label: "test"), settings: settings())
        try dispatcher.start()
        defer { dispatcher.stop() }
        XCTAssertTrue(waitUntil(timeout: .seconds(10)) { sink.prepared >= 4 })
        dispatcher.stop()
        XCTAssertEqual(dispatcher.status.failures, 2)
        XCTAssertNil(dispatcher.status.failingSince, "prepared and found nothing to deliver: healthy, not failing for ever")
        let state = try XCTUnwrap(fixture.store.deliveryStates().first)
        XCTAssertNil(state.failingSince, "the stored failure is cleared too")
        XCTAssertNil(state.lastError)
    }

    /// A sink whose `prepare` fails a few times (a broker not connected yet), then succeeds.
    final class UnpreparedSink: AlertSink, @unchecked Sendable {
        let name = "unprepared"
        private let lock = NSLock()
        private var failuresLeft: Int
        private var calls = 0

        init(failures: Int) {
            failuresLeft = failures
        }

        var prepared: Int {
            lock.lock()
            defer { lock.unlock() }
            return calls
        }

        func prepare(cursor: Int64, now: Int64) throws(DeliveryFailure) {
            lock.lock()
            defer { lock.unlock() }
            calls += 1
            if failuresLeft > 0 {
                failuresLeft -= 1
                throw DeliveryFailure("not connected yet")
            }
        }

        func deliver(_ events: [LoggedAlertEvent]) -> DeliveryOutcome {
            .delivered(events)
        }
    }

    func testARestartResumesAfterTheLastConfirmedEvent() throws {
        let fixture = try DeliveryFixture()
        try fixture.raise(device: "a", at: 1000)
        try fixture.raise(device: "b", at: 2000)
        let first = ScriptedSink()
        let dispatcher = DeliveryDispatcher(sink: first, store: fixture.store, logger: Logger(label: "test"), settings: settings())
        try dispatcher.start()
        _ = try first.waitFor(2)
        dispatcher.stop()

        let late = try fixture.raise(device: "c", at: 3000)
        let second = ScriptedSink()
        let restarted = DeliveryDispatcher(sink: second, store: fixture.store, logger: Logger(label: "test"), settings: settings())
        try restarted.start()
        defer { restarted.stop() }
        XCTAssertEqual(try second.waitFor(1), [late.id])
        restarted.stop()
        XCTAssertEqual(second.ids, [late.id], "nothing confirmed before the restart is delivered again")
    }

    func testARefusedEventIsTheSinksDeadLetterAndDeliveryGoesOn() throws {
        let fixture = try DeliveryFixture()
        let bad = try fixture.raise(device: "bad", at: 1000)
        try fixture.raise(device: "good", at: 2000)
        let sink = ScriptedSink(refuse: [bad.id])
        let dispatcher = DeliveryDispatcher(sink: sink, store: fixture.store, logger: Logger(label: "test"), settings: settings())
        try dispatcher.start()
        defer { dispatcher.stop() }
        _ = try sink.waitFor(2)
        dispatcher.stop()
        let refusals = try fixture.store.deliveryRefusals(sink: "scripted")
        XCTAssertEqual(refusals.map(\.eventID), [bad.id])
        XCTAssertEqual(refusals.first?.reason, "HTTP 400")
        XCTAssertEqual(try fixture.store.deliveryStates().first?.refusals, 1)
        let deliveries = try fixture.store.deliveries(ofEvents: [bad.id])
        XCTAssertEqual(deliveries[bad.id], [EventDelivery(sink: "scripted", state: .refused("HTTP 400"))])
    }

    func testANewSinkStartsAfterTheEventsAlreadyInTheLog() throws {
        let fixture = try DeliveryFixture()
        try fixture.raise(device: "old", at: 1000)
        let sink = ScriptedSink()
        let dispatcher = DeliveryDispatcher(sink: sink, store: fixture.store, logger: Logger(label: "test"),
                                            settings: settings(fromStart: false))
        try dispatcher.start()
        defer { dispatcher.stop() }
        let new = try fixture.raise(device: "new", at: 2000)
        dispatcher.wake()
        XCTAssertEqual(try sink.waitFor(1), [new.id])
    }

    func testBackoffDoublesUpToItsCap() {
        let backoff = DeliveryBackoff(initial: 500, maximum: 30_000)
        XCTAssertEqual(backoff.delay(afterFailures: 1, jitter: 0), 500)
        XCTAssertEqual(backoff.delay(afterFailures: 2, jitter: 0), 1000)
        XCTAssertEqual(backoff.delay(afterFailures: 7, jitter: 0), 30_000)
        XCTAssertEqual(backoff.delay(afterFailures: 10_000, jitter: 1), 37_500)
        XCTAssertEqual(backoff.delay(afterFailures: .max, jitter: 0), 30_000)
    }
}
