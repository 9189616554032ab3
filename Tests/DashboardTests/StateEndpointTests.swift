import XCTest

final class StateEndpointTests: DashboardTestCase {
    private func state(at: Int64) async throws -> (firing: [String?], latest: [[String: Any]], at: String?) {
        let (status, json) = try await get("/api/state?at=\(at)")
        XCTAssertEqual(status, .ok)
        let body = try XCTUnwrap(json as? [String: Any])
        let firing = try XCTUnwrap(body["firing"] as? [[String: Any]])
        return (firing.map { $0["id"] as? String }, try XCTUnwrap(body["latest"] as? [[String: Any]]), body["at"] as? String)
    }

    func testAlertFiresBetweenRaiseAndClearOnly() async throws {
        let before = try await state(at: Self.raisedAt - 1)
        XCTAssertEqual(before.firing, [])
        let during = try await state(at: Self.raisedAt + 5 * 60_000)
        XCTAssertEqual(during.firing, ["r1"])
        let after = try await state(at: Self.clearedAt)
        XCTAssertEqual(after.firing, [])
    }

    func testFiringEventsAreTheRaisedEventJSON() async throws {
        let (_, json) = try await get("/api/state?at=\(Self.raisedAt)")
        let firing = try XCTUnwrap((json as? [String: Any])?["firing"] as? [[String: Any]])
        XCTAssertEqual(firing.first?["type"] as? String, "AlertRaised")
        XCTAssertEqual(firing.first?["alert"] as? String, "overheat")
        XCTAssertEqual(firing.first?["device"] as? String, "pump-1")
    }

    func testLatestValuePerSeriesAtOrBeforeTheTime() async throws {
        let early = try await state(at: Self.t0 + 3 * 60_000)
        XCTAssertEqual(early.at, "2026-11-18T11:09:40.000Z")
        XCTAssertEqual(early.latest.count, 1)
        XCTAssertEqual(early.latest.first?["device"] as? String, "pump-1")
        XCTAssertEqual(early.latest.first?["metric"] as? String, "temperature")
        XCTAssertEqual(early.latest.first?["value"] as? Double, 3)
        XCTAssertEqual(early.latest.first?["t"] as? String, "2026-11-18T11:09:40.000Z")

        let late = try await state(at: Self.t0 + 400 * 86_400_000)
        XCTAssertEqual(late.latest.map { $0["device"] as? String }, ["pump-1", "pump-2"])
        XCTAssertEqual(late.latest.map { $0["value"] as? Double }, [59, 2.5])

        let beforeAll = try await state(at: Self.t0 - 1)
        XCTAssertEqual(beforeAll.latest.count, 0)
    }

    func testDefaultsToNowAndRejectsABadTime() async throws {
        let (_, json) = try await get("/api/state")
        XCTAssertEqual((json as? [String: Any])?["at"] as? String, "2026-11-18T13:06:40.000Z")
        try await assertError("/api/state?at=noon", parameter: "at")
    }
}
