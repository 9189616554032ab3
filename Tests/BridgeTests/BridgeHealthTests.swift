import Bridge
import XCTest

final class BridgeHealthTests: XCTestCase {
    func testAFailedLastCommitIsUnhealthy() {
        let failed = BridgeHealth(brokerConnected: true, lastCommitFailed: true, lastCommitAt: 1_000)
        XCTAssertFalse(failed.healthy)
        XCTAssertEqual(failed.checks(now: 3_500)["writer"], "last commit failed")
        XCTAssertEqual(failed.checks(now: 3_500)["lastCommitAgeSeconds"], "2.5")
        let idle = BridgeHealth(brokerConnected: true, lastCommitFailed: false, lastCommitAt: nil)
        XCTAssertTrue(idle.healthy, "a bridge that has not committed yet is healthy")
        XCTAssertEqual(idle.checks(now: 3_500)["lastCommitAt"], "never")
    }

    func testASinkFailingLongerThanTheThresholdDegradesAndIsNamed() {
        let health = BridgeHealth(brokerConnected: true, lastCommitFailed: false, lastCommitAt: 1_000, sinks: [
            .init(name: "mqtt", degraded: false),
            .init(name: "webhook:x", degraded: true, failingSince: 500, lastFailure: "HTTP 503"),
        ])
        XCTAssertTrue(health.healthy, "ingest is fine")
        XCTAssertTrue(health.degraded)
        let checks = health.checks(now: 2_500)
        XCTAssertEqual(checks["delivery:mqtt"], "ok")
        XCTAssertEqual(checks["delivery:webhook:x"], "degraded: failing for 2.0 s: HTTP 503")
    }
}
