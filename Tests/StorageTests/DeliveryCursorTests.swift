import Foundation
@testable import Storage
import Telemetry
import XCTest

/// The alert log as an outbox: events in log order after a sink's cursor, and a durable cursor
/// per sink that only moves forward.
final class DeliveryCursorTests: StoreTestCase {
    private func log(_ store: TelemetryStore, _ records: [AlertRecord]) throws {
        _ = try store.write(IngestBatch(observedAt: 1, alerts: records))
    }

    func testEventsAfterACursorComeInLogOrderNotEventTimeOrder() throws {
        let store = try openStore()
        let late = AlertFixtures.raised("r-late", "A", "d1", at: 5_000)
        let early = AlertFixtures.raised("r-early", "A", "d2", at: 1_000)
        try log(store, [late])
        try log(store, [early, AlertFixtures.cleared("c-late", ending: late, at: 6_000)])
        let all = try store.alertEvents(after: 0, limit: 10)
        XCTAssertEqual(all.map(\.record.id), ["r-late", "r-early", "c-late"], "committed order, whatever the event times")
        XCTAssertEqual(all.map(\.sequence), all.map(\.sequence).sorted())
        XCTAssertEqual(try store.alertEvents(after: all[0].sequence, limit: 1).map(\.record.id), ["r-early"])
        XCTAssertEqual(try store.alertEvents(after: all[2].sequence, limit: 10), [])
    }

    func testANewSinkStartsAfterTheLogOrAtItsStart() throws {
        let store = try openStore()
        try log(store, [AlertFixtures.raised("r1", "A", "d", at: 1)])
        let last = try XCTUnwrap(store.alertEvents(after: 0, limit: 10).last?.sequence)
        XCTAssertEqual(try store.registerSink("mqtt", at: 10), last, "events before the sink existed are not replayed")
        XCTAssertEqual(try store.registerSink("webhook:https://x", fromStart: true, at: 10), 0)
        XCTAssertEqual(try store.registerSink("mqtt", fromStart: true, at: 11), last, "registering again keeps the cursor")
        XCTAssertNil(try store.deliveryCursor(sink: "unknown"))
    }

    func testTheCursorOnlyMovesForwardAndSurvivesAReopen() throws {
        do {
            let store = try openStore()
            try log(store, (1...3).map { AlertFixtures.raised("r\($0)", "A", "d\($0)", at: Int64($0)) })
            try store.registerSink("mqtt", fromStart: true, at: 1)
            let events = try store.alertEvents(after: 0, limit: 10)
            XCTAssertEqual(try store.advanceDeliveryCursor(sink: "mqtt", to: events[1].sequence, at: 2), events[1].sequence)
            XCTAssertEqual(try store.advanceDeliveryCursor(sink: "mqtt", to: events[0].sequence, at: 3), events[1].sequence,
                           "a late confirmation of an earlier event does not move it back")
            XCTAssertThrowsError(try store.advanceDeliveryCursor(sink: "nobody", to: 1, at: 3))
        }
        let reopened = try openStore()
        let cursor = try XCTUnwrap(try reopened.deliveryCursor(sink: "mqtt"))
        XCTAssertEqual(try reopened.alertEvents(after: cursor, limit: 10).map(\.record.id), ["r3"], "a restart resumes after the cursor")
    }
}
