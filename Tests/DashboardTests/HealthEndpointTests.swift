import Dashboard
import XCTest

final class HealthEndpointTests: DashboardTestCase {
    func testHealthyIsOK() async throws {
        let (status, json) = try await get("/healthz") { DashboardHealth(healthy: true, checks: ["broker": "connected"]) }
        XCTAssertEqual(status, .ok)
        XCTAssertEqual((json as? [String: Any])?["status"] as? String, "ok")
        XCTAssertEqual((json as? [String: Any])?["checks"] as? [String: String], ["broker": "connected"])
    }

    func testUnhealthyIsServiceUnavailable() async throws {
        let (status, json) = try await get("/healthz") { DashboardHealth(healthy: false, checks: ["broker": "disconnected"]) }
        XCTAssertEqual(status, .serviceUnavailable)
        XCTAssertEqual((json as? [String: Any])?["status"] as? String, "unhealthy")
    }
}
