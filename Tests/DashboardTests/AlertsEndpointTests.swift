import XCTest

final class AlertsEndpointTests: DashboardTestCase {
    func testListsStoredEventsInOrder() async throws {
        let (status, json) = try await get("/api/alerts")
        XCTAssertEqual(status, .ok)
        let events = try XCTUnwrap(json as? [[String: Any]])
        XCTAssertEqual(events.map { $0["id"] as? String }, ["r1", "c1"])
        XCTAssertEqual(events.map { $0["type"] as? String }, ["AlertRaised", "AlertCleared"])
        XCTAssertEqual(events[1]["raisedId"] as? String, "r1")
    }

    func testFiltersByTypeTimeAlertDeviceAndLimit() async throws {
        let ids: (String) async throws -> [String?] = { uri in
            let (_, json) = try await self.get(uri)
            return (json as? [[String: Any]] ?? []).map { $0["id"] as? String }
        }
        let ids1 = try await ids("/api/alerts?type=cleared")
        XCTAssertEqual(ids1, ["c1"])
        let ids2 = try await ids("/api/alerts?type=AlertRaised")
        XCTAssertEqual(ids2, ["r1"])
        let ids3 = try await ids("/api/alerts?from=\(Self.raisedAt + 1)")
        XCTAssertEqual(ids3, ["c1"])
        let ids4 = try await ids("/api/alerts?to=\(Self.clearedAt)")
        XCTAssertEqual(ids4, ["r1"])
        let ids5 = try await ids("/api/alerts?alert=other")
        XCTAssertEqual(ids5, [])
        let ids6 = try await ids("/api/alerts?device=pump-2")
        XCTAssertEqual(ids6, [])
        let ids7 = try await ids("/api/alerts?device=pump-*&limit=1")
        XCTAssertEqual(ids7, ["r1"])
    }

    func testNewestFirstWithALimitGivesTheLatestEvents() async throws {
        let (_, json) = try await get("/api/alerts?order=desc")
        XCTAssertEqual((json as? [[String: Any]])?.map { $0["id"] as? String }, ["c1", "r1"])
        let (_, limited) = try await get("/api/alerts?order=desc&limit=1")
        XCTAssertEqual((limited as? [[String: Any]])?.map { $0["id"] as? String }, ["c1"])
        let (_, oldest) = try await get("/api/alerts?order=asc&limit=1")
        XCTAssertEqual((oldest as? [[String: Any]])?.map { $0["id"] as? String }, ["r1"])
    }

    func testRejectsBadParametersNamingThem() async throws {
        try await assertError("/api/alerts?order=up", parameter: "order")
        try await assertError("/api/alerts?type=open", parameter: "type")
        try await assertError("/api/alerts?limit=0", parameter: "limit")
        try await assertError("/api/alerts?limit=-3", parameter: "limit")
        try await assertError("/api/alerts?from=soon", parameter: "from")
        try await assertError("/api/alerts?to=later", parameter: "to")
        try await assertError("/api/alerts?from=5&to=5", parameter: "to")
    }
}
