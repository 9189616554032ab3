import XCTest

final class SeriesEndpointTests: DashboardTestCase {
    func testDownsamplesTheRangeIntoPoints() async throws {
        // Minute-aligned, as the minute rollups this width reads from are.
        let from = Self.t0 - 40_000, to = from + 3_600_000
        let (status, json) = try await get("/api/series?device=pump-1&metric=temperature&from=\(from)&to=\(to)&points=6")
        XCTAssertEqual(status, .ok)
        let body = try XCTUnwrap(json as? [String: Any])
        XCTAssertEqual(body["device"] as? String, "pump-1")
        XCTAssertEqual(body["metric"] as? String, "temperature")
        XCTAssertEqual(body["unit"] as? String, "Cel")
        XCTAssertEqual(body["from"] as? String, "2026-11-18T11:06:00.000Z")
        XCTAssertEqual(body["to"] as? String, "2026-11-18T12:06:00.000Z")
        let points = try XCTUnwrap(body["points"] as? [[String: Any]])
        XCTAssertEqual(points.count, 6)
        XCTAssertEqual(points.map { $0["count"] as? Int }, Array(repeating: 10, count: 6))
        XCTAssertEqual(points[0]["t"] as? String, "2026-11-18T11:06:00.000Z")
        XCTAssertEqual(points[0]["min"] as? Double, 0)
        XCTAssertEqual(points[0]["max"] as? Double, 9)
        XCTAssertEqual(points[0]["avg"] as? Double, 4.5)
        XCTAssertEqual(points[5]["max"] as? Double, 59)
    }

    func testAcceptsISO8601TimesAndDefaultsToTheLastDay() async throws {
        let (status, json) = try await get("/api/series?device=pump-1&metric=temperature&from=2026-11-18T11:06:40Z&to=2026-11-18T11:16:40Z&points=1")
        XCTAssertEqual(status, .ok)
        // 10 minutes in one point read minute rollups: whole minutes 11:06...11:16, on the minute grid.
        let points = try XCTUnwrap((json as? [String: Any])?["points"] as? [[String: Any]])
        XCTAssertEqual(points.map { $0["count"] as? Int }, [11])
        XCTAssertEqual(points.first?["t"] as? String, "2026-11-18T11:06:00.000Z")

        let (_, defaulted) = try await get("/api/series?device=pump-1&metric=temperature")
        let body = try XCTUnwrap(defaulted as? [String: Any])
        XCTAssertEqual(body["to"] as? String, "2026-11-18T13:06:40.000Z")
        XCTAssertEqual(body["from"] as? String, "2026-11-17T13:06:40.000Z")
        let all = try XCTUnwrap(body["points"] as? [[String: Any]])
        XCTAssertEqual(all.reduce(0) { $0 + ($1["count"] as? Int ?? 0) }, 60)
    }

    func testRejectsBadParametersNamingThem() async throws {
        try await assertError("/api/series?metric=temperature", parameter: "device")
        try await assertError("/api/series?device=pump-1", parameter: "metric")
        try await assertError("/api/series?device=pump-1&metric=temperature&from=yesterday", parameter: "from")
        try await assertError("/api/series?device=pump-1&metric=temperature&to=12:00", parameter: "to")
        try await assertError("/api/series?device=pump-1&metric=temperature&from=2000&to=1000", parameter: "to")
        try await assertError("/api/series?device=pump-1&metric=temperature&points=0", parameter: "points")
        try await assertError("/api/series?device=pump-1&metric=temperature&points=5001", parameter: "points")
        try await assertError("/api/series?device=pump-1&metric=temperature&points=many", parameter: "points")
    }

    func testUnknownDeviceOrMetricIsNotFound() async throws {
        try await assertError("/api/series?device=pump-9&metric=temperature", status: .notFound, parameter: "device")
        try await assertError("/api/series?device=pump-1&metric=pressure", status: .notFound, parameter: "metric")
    }
}

final class SeriesGridTests: DashboardTestCase {
    func testBucketsAreEvenWhenFromIsNotOnTheMinute() async throws {
        // 11:06:40 to 12:06:40 in 6 points: minute rollups, grid from 11:06 in 11-minute buckets.
        let (status, json) = try await get("/api/series?device=pump-1&metric=temperature&from=\(Self.t0)&to=\(Self.t0 + 3_600_000)&points=6")
        XCTAssertEqual(status, .ok)
        let points = try XCTUnwrap((json as? [String: Any])?["points"] as? [[String: Any]])
        XCTAssertEqual(points.map { $0["t"] as? String }, [
            "2026-11-18T11:06:00.000Z", "2026-11-18T11:17:00.000Z", "2026-11-18T11:28:00.000Z",
            "2026-11-18T11:39:00.000Z", "2026-11-18T11:50:00.000Z", "2026-11-18T12:01:00.000Z",
        ])
        XCTAssertEqual(points.map { $0["count"] as? Int }, [11, 11, 11, 11, 11, 5])
    }
}
