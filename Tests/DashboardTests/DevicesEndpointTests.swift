import XCTest

final class DevicesEndpointTests: DashboardTestCase {
    func testListsDevicesWithLabelsTimesAndSeries() async throws {
        let (status, json) = try await get("/api/devices")
        XCTAssertEqual(status, .ok)
        let devices = try XCTUnwrap(json as? [[String: Any]])
        XCTAssertEqual(devices.map { $0["id"] as? String }, ["pump-1", "pump-2"])
        XCTAssertEqual(devices[0]["type"] as? String, "pump")
        XCTAssertEqual(devices[0]["labels"] as? [String: String], ["site": "north"])
        XCTAssertEqual(devices[0]["firstSeen"] as? String, "2026-11-18T11:06:40.000Z")
        XCTAssertEqual(devices[0]["lastSeen"] as? String, "2026-11-18T11:06:40.000Z")
        let series = try XCTUnwrap(devices[0]["series"] as? [[String: String]])
        XCTAssertEqual(series, [["metric": "temperature", "unit": "Cel"]])
        XCTAssertEqual((devices[1]["series"] as? [[String: String]])?.first?["metric"], "pressure")
    }
}
