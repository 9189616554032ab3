import Foundation
import GRDB
@testable import Storage
import Telemetry
import XCTest

final class AlertWriteTests: StoreTestCase {
    func testAlertsAreStoredExactlyWithTheirBatch() throws {
        let store = try openStore()
        let raised = AlertFixtures.raised("a1", "Hot", "gh-1", at: 1000)
        let cleared = AlertFixtures.cleared("a2", ending: raised, at: 2000, value: nil)
        let unicode = AlertRecord(
            id: "a3", type: .raised, alert: "Früh", device: "gh-é", severity: nil, at: -5, value: -0.25,
            event: "{\"message\":\"gh-é at 31.2 °C \\\"quoted\\\"\"}")
        let outcome = try store.write(IngestBatch(
            readings: [Reading("gh-1", "temperature", 1000, 31)], observedAt: 10, alerts: [raised, cleared, unicode]))
        XCTAssertEqual(outcome.alerts, 3)
        XCTAssertEqual(outcome.insertedReadings, 1)
        XCTAssertEqual(try store.alertCount(), 3)
        XCTAssertEqual(try store.alerts(), [unicode, raised, cleared])
    }

    func testNaNValueIsStoredAsNoValue() throws {
        let store = try openStore()
        _ = try store.write(IngestBatch(observedAt: 1, alerts: [AlertFixtures.raised("n", "A", "d", at: 1, value: .nan)]))
        XCTAssertEqual(try store.alerts().map(\.value), [nil])
    }

    func testBatchWithOnlyAlertsIsStored() throws {
        let store = try openStore()
        let silent = AlertFixtures.raised("s1", "SensorSilent", "pump-3", at: 600_000, value: nil, severity: "warning")
        let outcome = try store.write(IngestBatch(observedAt: 600_000, alerts: [silent]))
        var expected = WriteOutcome(alerts: 1)
        expected.alertSequences = [1]
        XCTAssertEqual(outcome, expected)
        XCTAssertEqual(try store.alerts(), [silent])
        XCTAssertEqual(try store.readingCount(), 0)
        XCTAssertEqual(try store.devices(), [])
    }

    func testRedeliveredAlertsAreStoredOnceKeepingTheFirst() throws {
        let store = try openStore()
        let first = AlertFixtures.raised("dup", "Hot", "gh-1", at: 1000)
        let batch = IngestBatch(readings: [Reading("gh-1", "t", 1000, 31)], observedAt: 1, alerts: [first])
        XCTAssertEqual(try store.write(batch).alerts, 1)
        let again = try store.write(batch)
        XCTAssertEqual(again.alerts, 0)
        XCTAssertEqual(again.duplicateReadings, 1)

        var changed = first
        changed.value = 99
        changed.event = "{}"
        XCTAssertEqual(try store.write(IngestBatch(observedAt: 2, alerts: [changed, changed])).alerts, 0)
        XCTAssertEqual(try store.alerts(), [first])
    }

    func testFailedBatchStoresNeitherReadingsNorAlerts() throws {
        let store = try openStore()
        let kept = AlertFixtures.raised("kept", "Hot", "d0", at: 1)
        _ = try store.write(IngestBatch(readings: [Reading("d0", "m", 1, 1)], observedAt: 1, alerts: [kept]))
        let pageCount = try store.pool.read { try Int.fetchOne($0, sql: "PRAGMA page_count") } ?? 0
        try store.pool.writeWithoutTransaction { try $0.execute(sql: "PRAGMA max_page_count = \(pageCount + 2)") }
        // Readings that fit, alerts that do not: the readings must roll back with them.
        let padding = String(repeating: "x", count: 2000)
        let alerts = (0..<200).map { index in
            var record = AlertFixtures.raised("big-\(index)", "Hot", "d1", at: Int64(index))
            record.event = #"{"message":"\#(padding)"}"#
            return record
        }
        let batch = IngestBatch(readings: [Reading("d0", "m", 2, 2)], observedAt: 2, alerts: alerts)
        XCTAssertThrowsError(try store.write(batch)) { error in
            XCTAssertEqual(error as? StorageError, .diskFull(path: store.path))
        }
        XCTAssertEqual(try store.readingCount(), 1)
        XCTAssertEqual(try store.alerts(), [kept])

        try store.pool.writeWithoutTransaction { try $0.execute(sql: "PRAGMA max_page_count = 1073741823") }
        let outcome = try store.write(batch)
        XCTAssertEqual(outcome.alerts, 200)
        XCTAssertEqual(outcome.insertedReadings, 1)
        XCTAssertEqual(try store.alertCount(), 201)
    }

    func testAlertLogRejectsUnknownTypesAndUpdates() throws {
        let store = try openStore()
        XCTAssertThrowsError(try store.pool.write { db in
            try db.execute(sql: "INSERT INTO alerts(id, type, alert, device, at, event) VALUES ('x', 'AlertMaybe', 'a', 'd', 1, '{}')")
        })
        XCTAssertEqual(try store.alertCount(), 0)
        let raised = AlertFixtures.raised("r", "Hot", "d", at: 1)
        _ = try store.write(IngestBatch(observedAt: 1, alerts: [raised]))
        XCTAssertThrowsError(try store.pool.write { try $0.execute(sql: "UPDATE alerts SET value = 0") }) { error in
            XCTAssertTrue(String(describing: error).contains("immutable"), "\(error)")
        }
        XCTAssertEqual(try store.alerts(), [raised])
    }
}
