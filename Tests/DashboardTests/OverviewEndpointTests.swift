import Foundation
import Storage
import Telemetry
import XCTest

/// `/api/overview?at=`: the fleet overview page's one request.
final class OverviewEndpointTests: DashboardTestCase {
    private func overview(_ query: String, rules: Bool = false) async throws -> [String: Any] {
        let (status, json) = try await get("/api/overview\(query)", rules: rules ? try Self.rules() : nil)
        XCTAssertEqual(status, .ok)
        return try XCTUnwrap(json as? [String: Any])
    }

    private func devices(_ body: [String: Any]) throws -> [[String: Any]] {
        try XCTUnwrap(body["devices"] as? [[String: Any]])
    }

    func testDevicesWithLatestValuesUnitsAndSparklines() async throws {
        let body = try await overview("?at=\(Self.now)")
        XCTAssertEqual(body["at"] as? String, "2026-11-18T13:06:40.000Z")
        let devices = try devices(body)
        XCTAssertEqual(devices.map { $0["id"] as? String }, ["pump-1", "pump-2"])
        XCTAssertEqual(devices[0]["type"] as? String, "pump")
        XCTAssertEqual(devices[0]["labels"] as? [String: String], ["site": "north"])
        XCTAssertEqual(devices[1]["labels"] as? [String: String], [:])
        XCTAssertEqual(devices[0]["lastSeen"] as? String, "2026-11-18T12:05:40.000Z")
        let metrics = try XCTUnwrap(devices[0]["metrics"] as? [[String: Any]])
        XCTAssertEqual(metrics.count, 1)
        XCTAssertEqual(metrics[0]["metric"] as? String, "temperature")
        XCTAssertEqual(metrics[0]["unit"] as? String, "Cel")
        XCTAssertEqual(metrics[0]["value"] as? Double, 59)
        XCTAssertEqual(metrics[0]["t"] as? String, "2026-11-18T12:05:40.000Z")
        // Hour buckets: 11:00 holds minutes 0...53 of the series, 12:00 minutes 54...59.
        let sparkline = try XCTUnwrap(metrics[0]["sparkline"] as? [[String: Any]])
        XCTAssertEqual(sparkline.map { $0["t"] as? String }, ["2026-11-18T11:00:00.000Z", "2026-11-18T12:00:00.000Z"])
        XCTAssertEqual(sparkline.map { $0["min"] as? Double }, [0, 54])
        XCTAssertEqual(sparkline.map { $0["max"] as? Double }, [53, 59])
        XCTAssertEqual(sparkline.map { $0["avg"] as? Double }, [26.5, 56.5])
        XCTAssertEqual(((devices[1]["metrics"] as? [[String: Any]])?.first)?["unit"] as? String, "bar")
        XCTAssertEqual(devices.map { $0["firing"] as? Int }, [0, 0])
        XCTAssertEqual(devices.map { $0["pending"] as? Int }, [0, 0])
        XCTAssertEqual((body["firing"] as? [Any])?.count, 0)
        XCTAssertEqual((body["pending"] as? [Any])?.count, 0)
    }

    func testTimeTravelShowsValuesFiringAlertsAndSparklinesAsOfT() async throws {
        let at = Self.t0 + 15 * 60_000 + 10_000 // 11:21:50, r1 firing
        let body = try await overview("?at=\(at)")
        let devices = try devices(body)
        let metrics = try XCTUnwrap(devices[0]["metrics"] as? [[String: Any]])
        XCTAssertEqual(metrics[0]["value"] as? Double, 15)
        XCTAssertEqual(metrics[0]["t"] as? String, "2026-11-18T11:21:40.000Z")
        // The fleet is 15 minutes old at T, so the sparkline has minute buckets. Only whole minutes
        // at or before T: minutes 0...14 (11:06...11:20); reading 15 (11:21:40) is T's value but its
        // minute is not over, so the sparkline leaves it out with what follows.
        let sparkline = try XCTUnwrap(metrics[0]["sparkline"] as? [[String: Any]])
        XCTAssertEqual(sparkline.count, 15)
        XCTAssertEqual(sparkline.first?["t"] as? String, "2026-11-18T11:06:00.000Z")
        XCTAssertEqual(sparkline.last?["t"] as? String, "2026-11-18T11:20:00.000Z")
        XCTAssertEqual(sparkline.map { $0["max"] as? Double }, (0...14).map { Double($0) })
        XCTAssertEqual(devices.map { $0["firing"] as? Int }, [1, 0])
        XCTAssertEqual((body["firing"] as? [[String: Any]])?.map { $0["id"] as? String }, ["r1"])
        XCTAssertEqual((body["firing"] as? [[String: Any]])?.first?["type"] as? String, "AlertRaised")
    }

    func testCountsPendingAlertsPerDeviceWithRules() async throws {
        let body = try await overview("?at=\(Self.t0 + 40 * 60_000)", rules: true)
        let devices = try devices(body)
        XCTAssertEqual(devices.map { $0["pending"] as? Int }, [1, 1])
        let pending = try XCTUnwrap(body["pending"] as? [[String: Any]])
        XCTAssertEqual(pending.map { $0["alert"] as? String }, ["Warm", "Quiet"])
        XCTAssertEqual(pending.map { $0["device"] as? String }, ["pump-1", "pump-2"])
        XCTAssertEqual(pending.map { $0["severity"] as? String }, ["warning", "info"])
        XCTAssertEqual(pending.map { $0["since"] as? String }, ["2026-11-18T11:37:40.000Z", "2026-11-18T11:41:40.000Z"])
    }

    func testLeavesOutDevicesFirstSeenAfterTAndMetricsWithoutReadingsYet() async throws {
        _ = try store.write(IngestBatch(
            devices: [Device(id: "pump-3", type: "pump")],
            readings: [Reading(device: "pump-3", metric: "flow", timestamp: Self.t0 + 3 * 3_600_000, value: 7)],
            observedAt: Self.t0 + 3 * 3_600_000))
        let before = try devices(try await overview("?at=\(Self.t0 + 3_600_000)"))
        XCTAssertEqual(before.map { $0["id"] as? String }, ["pump-1", "pump-2"])
        let after = try devices(try await overview("?at=\(Self.t0 + 4 * 3_600_000)"))
        XCTAssertEqual(after.map { $0["id"] as? String }, ["pump-1", "pump-2", "pump-3"])
        XCTAssertNil((after[2]["metrics"] as? [[String: Any]])?.first?["unit"] as? String)
        XCTAssertEqual((after[2]["metrics"] as? [[String: Any]])?.first?["value"] as? Double, 7)

        // Seen at T but no reading yet: listed, with no last reading and no metrics.
        let early = try devices(try await overview("?at=\(Self.t0 + 60_000)"))
        XCTAssertEqual(early.map { $0["id"] as? String }, ["pump-1", "pump-2"])
        XCTAssertTrue(early[1]["lastSeen"] is NSNull)
        XCTAssertEqual((early[1]["metrics"] as? [Any])?.count, 0)
        let none = try devices(try await overview("?at=\(Self.t0 - 1)"))
        XCTAssertEqual(none.count, 0)
    }

    func testDefaultsToNowAcceptsISO8601AndRejectsABadTime() async throws {
        let body = try await overview("")
        XCTAssertEqual(body["at"] as? String, "2026-11-18T13:06:40.000Z")
        let iso = try await overview("?at=2026-11-18T11:22:10Z")
        XCTAssertEqual(iso["at"] as? String, "2026-11-18T11:22:10.000Z")
        try await assertError("/api/overview?at=yesterday", parameter: "at")
        try await assertError("/api/overview?at=11:00", parameter: "at")
        for at in ["0000-01-01T00:00:00Z", "9999-12-31T23:59:59.999Z"] {
            let extreme = try await overview("?at=\(at)", rules: true)
            XCTAssertNotNil(extreme["devices"] as? [Any], at)
        }
        try await assertError("/api/overview?at=\(Int64.min)", parameter: "at")
        try await assertError("/api/overview?at=\(Int64.max)", parameter: "at")
    }
}
