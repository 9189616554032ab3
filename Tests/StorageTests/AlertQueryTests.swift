import Foundation
import GRDB
@testable import Storage
import Telemetry
import XCTest

final class AlertQueryTests: StoreTestCase {
    private typealias F = AlertFixtures

    /// Hot on gh-1: raised 1000, cleared 3000, raised again 5000 (still firing).
    /// Hot on gh-2: raised 2000 (firing). Cold on gh-1: raised 2000, cleared 4000.
    /// Silent on pump[1]: raised 3000.
    private func fill(_ store: TelemetryStore) throws -> [String: AlertRecord] {
        let hot1 = F.raised("01-hot-gh1", "Hot", "gh-1", at: 1000)
        let hot1Clear = F.cleared("04-hot-gh1-clear", ending: hot1, at: 3000)
        let hot1Again = F.raised("06-hot-gh1-again", "Hot", "gh-1", at: 5000)
        let hot2 = F.raised("02-hot-gh2", "Hot", "gh-2", at: 2000)
        let cold1 = F.raised("03-cold-gh1", "Cold", "gh-1", at: 2000, severity: "warning")
        let cold1Clear = F.cleared("05-cold-gh1-clear", ending: cold1, at: 4000)
        let silent = F.raised("04-silent", "Silent", "pump[1]", at: 3000, value: nil)
        // Written out of order and over several batches, like a restart would.
        _ = try store.write(IngestBatch(observedAt: 1, alerts: [hot2, hot1, cold1]))
        _ = try store.write(IngestBatch(observedAt: 2, alerts: [silent, hot1Clear]))
        _ = try store.write(IngestBatch(observedAt: 3, alerts: [cold1Clear, hot1Again]))
        return ["hot1": hot1, "hot1Clear": hot1Clear, "hot1Again": hot1Again, "hot2": hot2,
                "cold1": cold1, "cold1Clear": cold1Clear, "silent": silent]
    }

    func testAllAlertsAreOrderedByTimeThenID() throws {
        let store = try openStore()
        _ = try fill(store)
        XCTAssertEqual(try store.alerts().map(\.id), [
            "01-hot-gh1", "02-hot-gh2", "03-cold-gh1", "04-hot-gh1-clear", "04-silent", "05-cold-gh1-clear", "06-hot-gh1-again",
        ])
        XCTAssertEqual(try store.alertCount(), 7)
    }

    func testTimeRangeIsHalfOpen() throws {
        let store = try openStore()
        _ = try fill(store)
        XCTAssertEqual(try store.alerts(filter: .init(from: 2000, to: 3000)).map(\.id), ["02-hot-gh2", "03-cold-gh1"])
        XCTAssertEqual(try store.alerts(filter: .init(from: 3000, to: 3000)), [])
        XCTAssertEqual(try store.alerts(filter: .init(from: 4000)).map(\.at), [4000, 5000])
        XCTAssertEqual(try store.alerts(filter: .init(to: 2000)).map(\.at), [1000])
    }

    func testAlertNameTypeAndDeviceFilters() throws {
        let store = try openStore()
        _ = try fill(store)
        XCTAssertEqual(try store.alerts(filter: .init(alert: "Hot")).map(\.id), ["01-hot-gh1", "02-hot-gh2", "04-hot-gh1-clear", "06-hot-gh1-again"])
        XCTAssertEqual(try store.alerts(filter: .init(alert: "hot")), [])
        XCTAssertEqual(try store.alerts(filter: .init(type: .cleared)).map(\.id), ["04-hot-gh1-clear", "05-cold-gh1-clear"])
        XCTAssertEqual(try store.alerts(filter: .init(alert: "Hot", devices: ["gh-1"], type: .raised)).map(\.id), ["01-hot-gh1", "06-hot-gh1-again"])
        XCTAssertEqual(Set(try store.alerts(filter: .init(devices: ["gh-*"])).map(\.device)), ["gh-1", "gh-2"])
        XCTAssertEqual(try store.alerts(filter: .init(devices: ["*-2", "pump?1?"])).map(\.id), ["02-hot-gh2", "04-silent"])
        XCTAssertEqual(try store.alerts(filter: .init(devices: ["gh"])), [])
        XCTAssertEqual(try store.alerts(filter: .init(devices: [])), [])
    }

    func testSquareBracketsInDevicePatternsAreLiteral() throws {
        let store = try openStore()
        _ = try fill(store)
        _ = try store.write(IngestBatch(observedAt: 4, alerts: [F.raised("07-p", "Silent", "pump1", at: 6000)]))
        XCTAssertEqual(try store.alerts(filter: .init(devices: ["pump[1]"])).map(\.id), ["04-silent"])
        XCTAssertEqual(try store.alerts(filter: .init(devices: ["pump[1]*"])).map(\.id), ["04-silent"])
        XCTAssertEqual(try store.alerts(filter: .init(devices: ["pump[1*"])).map(\.id), ["04-silent"])
        XCTAssertEqual(try store.alerts(filter: .init(devices: ["pump[0-9]*"])), [])
        XCTAssertEqual(try store.alerts(filter: .init(devices: ["pump?"])).map(\.id), ["07-p"])
    }

    func testLimitAndOffsetPageThroughTheOrderedLog() throws {
        let store = try openStore()
        _ = try fill(store)
        let all = try store.alerts().map(\.id)
        var paged: [String] = []
        for offset in stride(from: 0, to: 10, by: 3) {
            let page = try store.alerts(filter: .init(limit: 3, offset: offset)).map(\.id)
            XCTAssertLessThanOrEqual(page.count, 3)
            paged += page
        }
        XCTAssertEqual(paged, all)
        XCTAssertEqual(try store.alerts(filter: .init(type: .raised, limit: 2, offset: 1)).map(\.id), ["02-hot-gh2", "03-cold-gh1"])
        XCTAssertEqual(try store.alerts(filter: .init(limit: 0)), [])
    }

    func testFiringAlertsAreTheRaisedOnesWithoutAClear() throws {
        let store = try openStore()
        let events = try fill(store)
        XCTAssertEqual(try store.firingAlerts(), [events["hot2"], events["silent"], events["hot1Again"]].compactMap { $0 })
    }

    func testFiringAlertsAtAPastMomentRebuildThatState() throws {
        let store = try openStore()
        _ = try fill(store)
        let firing: (Int64) throws -> [String] = { try store.firingAlerts(at: $0).map(\.id) }
        XCTAssertEqual(try firing(999), [])
        XCTAssertEqual(try firing(1000), ["01-hot-gh1"])
        XCTAssertEqual(try firing(2000), ["01-hot-gh1", "02-hot-gh2", "03-cold-gh1"])
        XCTAssertEqual(try firing(2999), ["01-hot-gh1", "02-hot-gh2", "03-cold-gh1"])
        // A clear at T counts at T.
        XCTAssertEqual(try firing(3000), ["02-hot-gh2", "03-cold-gh1", "04-silent"])
        XCTAssertEqual(try firing(4500), ["02-hot-gh2", "04-silent"])
        XCTAssertEqual(try firing(5000), ["02-hot-gh2", "04-silent", "06-hot-gh1-again"])
        XCTAssertEqual(try firing(.max), try store.firingAlerts().map(\.id))
        XCTAssertEqual(try firing(.min), [])
    }

    func testFiringQueryUsesTheAlertIndexes() throws {
        let store = try openStore()
        _ = try fill(store)
        let plan = try store.pool.read { db in
            try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + TelemetryStore.firingAlertsSQL, arguments: [5]).map { $0["detail"] as String? ?? "" }
        }
        XCTAssertTrue(plan.contains { $0.contains("alerts_raised_id") }, plan.joined(separator: "\n"))
        XCTAssertFalse(plan.contains { $0.hasPrefix("SCAN c") }, plan.joined(separator: "\n"))
    }
}
