import XCTest

final class DeadLettersEndpointTests: DashboardTestCase {
    func testListsDeadLettersWithPreview() async throws {
        let (status, json) = try await get("/api/deadletters")
        XCTAssertEqual(status, .ok)
        let letters = try XCTUnwrap(json as? [[String: Any]])
        XCTAssertEqual(letters.map { $0["topic"] as? String }, ["sensors/pump-9/data", "other/x"])
        XCTAssertEqual(letters[0]["reason"] as? String, "unknown_topic")
        XCTAssertEqual(letters[0]["payloadPreview"] as? String, "{\"t\":")
        XCTAssertEqual(letters[0]["receivedAt"] as? String, "2026-11-18T11:06:41.000Z")
        XCTAssertFalse((letters[0]["detail"] as? String ?? "").isEmpty)
        XCTAssertNotNil(letters[0]["id"] as? Int)
    }

    func testFiltersByReasonTopicAndLimit() async throws {
        let (_, byReason) = try await get("/api/deadletters?reason=payload_too_large")
        XCTAssertEqual((byReason as? [[String: Any]])?.map { $0["topic"] as? String }, ["other/x"])
        let (_, byTopic) = try await get("/api/deadletters?topic=sensors/")
        XCTAssertEqual((byTopic as? [[String: Any]])?.map { $0["topic"] as? String }, ["sensors/pump-9/data"])
        let (_, limited) = try await get("/api/deadletters?limit=1")
        XCTAssertEqual((limited as? [[String: Any]])?.count, 1)
    }

    func testNewestFirstWithALimitGivesTheLatestAndTimeBoundsApply() async throws {
        let (_, newest) = try await get("/api/deadletters?order=desc&limit=1")
        XCTAssertEqual((newest as? [[String: Any]])?.map { $0["topic"] as? String }, ["other/x"])
        let (_, both) = try await get("/api/deadletters?order=desc")
        XCTAssertEqual((both as? [[String: Any]])?.map { $0["topic"] as? String }, ["other/x", "sensors/pump-9/data"])
        // Received up to 11:06:41 inclusive (time travel asks for to = T + 1 ms).
        let (_, early) = try await get("/api/deadletters?to=2026-11-18T11:06:41.001Z&order=desc")
        XCTAssertEqual((early as? [[String: Any]])?.map { $0["topic"] as? String }, ["sensors/pump-9/data"])
        let (_, late) = try await get("/api/deadletters?from=2026-11-18T11:06:41.001Z")
        XCTAssertEqual((late as? [[String: Any]])?.map { $0["topic"] as? String }, ["other/x"])
    }

    func testRejectsABadLimitOrderOrRange() async throws {
        try await assertError("/api/deadletters?limit=zero", parameter: "limit")
        try await assertError("/api/deadletters?limit=100001", parameter: "limit")
        try await assertError("/api/deadletters?order=newest", parameter: "order")
        try await assertError("/api/deadletters?from=later", parameter: "from")
        try await assertError("/api/deadletters?from=10&to=10", parameter: "to")
    }
}
