import Foundation
import GRDB
@testable import Storage
import Telemetry
import XCTest

/// v6 copies the alert log into a table that also takes operators' events: rowids (the sinks'
/// cursors point into them), columns and the immutability trigger survive.
final class OperatorEventMigrationTests: StoreTestCase {
    func testTheV5AlertLogKeepsItsRowidsCursorsAndImmutability() throws {
        let path = try databaseMigrated(upTo: "v5-delivery-refusals", name: "v5.sqlite") { db in
            try db.execute(sql: """
                INSERT INTO alerts(rowid, id, type, alert, device, severity, at, raised_id, value, event, logged_at)
                VALUES (7, 'r1', 'AlertRaised', 'Hot', 'gh-1', 'critical', 1000, NULL, 31.5, '{"type":"AlertRaised"}', 1001),
                       (9, 'c1', 'AlertCleared', 'Hot', 'gh-1', 'critical', 2000, 'r1', 27.0, '{"type":"AlertCleared"}', 2001);
                INSERT INTO alert_deliveries(sink, delivered, updated_at) VALUES ('mqtt', 7, 5);
                """)
        }

        let store = try TelemetryStore(path: path)
        let events = try store.alertEvents(after: 0, limit: 10)
        XCTAssertEqual(events.map(\.sequence), [7, 9])
        XCTAssertEqual(events.map(\.record.id), ["r1", "c1"])
        XCTAssertEqual(events.last?.record.raisedID, "r1")
        XCTAssertEqual(events.last?.record.value, 27.0)
        XCTAssertEqual(try store.deliveryCursor(sink: "mqtt"), 7)
        XCTAssertEqual(try store.deliveryStates().first?.pendingEvents, 1)
        XCTAssertThrowsError(try store.pool.write { try $0.execute(sql: "UPDATE alerts SET value = 0 WHERE id = 'r1'") })
        // A new event continues the log after the copied rows.
        let outcome = try store.write(IngestBatch(observedAt: 3, alerts: [AlertRecord(
            id: "a1", type: .acknowledged, alert: "Hot", device: "gh-1", severity: "critical", at: 3000, raisedID: "r1",
            event: #"{"type":"AlertAcknowledged"}"#)]))
        XCTAssertEqual(outcome.alertSequences, [10])
        XCTAssertEqual(try store.operatorEvents().map(\.record.id), ["a1"])
        XCTAssertEqual(try store.alertCount(), 2, "raises and clears only")
    }
}
