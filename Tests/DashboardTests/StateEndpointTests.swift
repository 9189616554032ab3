import Dashboard
import Hummingbird
import HummingbirdTesting
import Rules
import Synchronization
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

    private func pending(at: Int64) async throws -> [String] {
        let (status, json) = try await get("/api/state?at=\(at)", rules: try Self.rules())
        XCTAssertEqual(status, .ok)
        let pending = try XCTUnwrap((json as? [String: Any])?["pending"] as? [[String: Any]])
        return pending.map { entry in
            ["alert", "device", "severity", "since"].map { entry[$0] as? String ?? "?" }.joined(separator: " ")
        }
    }

    func testPendingAlertsAtSeveralTimesFromTheWarmedUpRules() async throws {
        let t0 = Self.t0
        let p30 = try await pending(at: t0 + 30 * 60_000)
        XCTAssertEqual(p30, [])
        // Warm holds from minute 31 (for 20m); pump-2, last heard at t0+5m, is silent from t0+35m (for 10m).
        let p40 = try await pending(at: t0 + 40 * 60_000)
        XCTAssertEqual(p40, [
            "Warm pump-1 warning 2026-11-18T11:37:40.000Z",
            "Quiet pump-2 info 2026-11-18T11:41:40.000Z",
        ])
        let p50 = try await pending(at: t0 + 50 * 60_000)
        XCTAssertEqual(p50, ["Warm pump-1 warning 2026-11-18T11:37:40.000Z"])
        let p51 = try await pending(at: t0 + 51 * 60_000)
        XCTAssertEqual(p51, [], "for ran out at T: no longer pending")
        // pump-1's last reading is at t0+59m: silent from t0+89m, so pending until t0+99m.
        let p95 = try await pending(at: t0 + 95 * 60_000)
        XCTAssertEqual(p95, ["Quiet pump-1 info 2026-11-18T12:35:40.000Z"])
        let p120 = try await pending(at: Self.now)
        XCTAssertEqual(p120, [])
    }

    func testPendingFollowsTheRuleSetInForceAtEachRequest() async throws {
        let inForce = Mutex<RuleSet?>(nil)
        let dashboard = DashboardApplication(store: store, now: { Self.now }, currentRules: { inForce.withLock { $0 } })
        let app = Application(router: dashboard.router())
        let uri = "/api/state?at=\(Self.t0 + 40 * 60_000)"
        let pendingCount: @Sendable (TestClientProtocol) async throws -> Int = { client in
            try await client.execute(uri: uri, method: .get) { response in
                let json = try JSONSerialization.jsonObject(with: Data(String(buffer: response.body).utf8))
                return ((json as? [String: Any])?["pending"] as? [Any])?.count ?? -1
            }
        }
        let rules = try Self.rules()
        try await app.test(.router) { client in
            let before = try await pendingCount(client)
            XCTAssertEqual(before, 0)
            inForce.withLock { $0 = rules } // a reload in the daemon
            let after = try await pendingCount(client)
            XCTAssertEqual(after, 2)
        }
    }

    func testNowTakesPendingAlertsFromTheRunningEngineAndAPastMomentFromAWarmUp() async throws {
        let live = [
            PendingAlert(alert: "overheat", device: "p-2", severity: .critical, since: Self.now - 60_000, firesAt: Self.now + 240_000),
            PendingAlert(alert: "overheat", device: "p-1", severity: .critical, since: Self.now - 90_000, firesAt: Self.now + 210_000),
            PendingAlert(alert: "late", device: "p-1", severity: .warning, since: Self.now - 600_000, firesAt: Self.now),
        ]
        // No rules: pending alerts can only come from the engine the daemon runs.
        let dashboard = DashboardApplication(store: store, now: { Self.now }, currentRules: { nil }, livePending: { live })
        let app = Application(router: dashboard.router())
        let pending: @Sendable (TestClientProtocol, String) async throws -> [String] = { client, uri in
            try await client.execute(uri: uri, method: .get) { response in
                let json = try JSONSerialization.jsonObject(with: Data(String(buffer: response.body).utf8))
                let pending = ((json as? [String: Any])?["pending"] as? [[String: Any]]) ?? []
                return pending.map { "\($0["alert"] ?? "") \($0["device"] ?? "")" }
            }
        }
        try await app.test(.router) { client in
            let now = try await pending(client, "/api/state")
            XCTAssertEqual(now, ["overheat p-1", "overheat p-2"], "sorted by device; one due now is no longer pending")
            let overview = try await pending(client, "/api/overview")
            XCTAssertEqual(overview, ["overheat p-1", "overheat p-2"])
            let past = try await pending(client, "/api/state?at=\(Self.now - 1)")
            XCTAssertEqual(past, [], "a moment asked for explicitly is rebuilt from the log (no rules here: nothing)")
        }
    }

    func testPendingIsEmptyWithoutRulesAndFiringComesFromTheLog() async throws {
        let (_, json) = try await get("/api/state?at=\(Self.t0 + 40 * 60_000)")
        XCTAssertEqual(((json as? [String: Any])?["pending"] as? [[String: Any]])?.count, 0)
        let (_, during) = try await get("/api/state?at=\(Self.raisedAt + 60_000)", rules: try Self.rules())
        let body = try XCTUnwrap(during as? [String: Any])
        XCTAssertEqual((body["firing"] as? [[String: Any]])?.map { $0["id"] as? String }, ["r1"])
        XCTAssertEqual((body["pending"] as? [[String: Any]])?.count, 0)
    }

    func testTimesWithinTheCalendarAnswerAndBeyondAreRefusedByName() async throws {
        for at in ["0", "0000-01-01T00:00:00Z", "9999-12-31T23:59:59.999Z", "-62167219200000", "253402300799999"] {
            let (status, json) = try await get("/api/state?at=\(at)", rules: try Self.rules())
            XCTAssertEqual(status, .ok, at)
            XCTAssertNotNil((json as? [String: Any])?["latest"] as? [[String: Any]], at)
        }
        for at in [Int64.min, -62_167_219_200_001, 253_402_300_800_000, Int64.max] {
            let (status, json) = try await get("/api/state?at=\(at)", rules: try Self.rules())
            XCTAssertEqual(status, .badRequest, "\(at)")
            XCTAssertEqual((json as? [String: Any])?["parameter"] as? String, "at", "\(at)")
        }
    }

    func testDefaultsToNowAndRejectsABadTime() async throws {
        let (_, json) = try await get("/api/state")
        XCTAssertEqual((json as? [String: Any])?["at"] as? String, "2026-11-18T13:06:40.000Z")
        try await assertError("/api/state?at=noon", parameter: "at")
        try await assertError("/api/state?at=2026-13-45T00:00:00Z", parameter: "at")
        try await assertError("/api/state?at=99999999999999999999", parameter: "at")
        try await assertError("/api/state?at=-5parsecs", parameter: "at")
    }

    func testTakesNowAndRelativeTimesLikeTheCommandLine() async throws {
        let (_, atNow) = try await get("/api/state?at=now")
        XCTAssertEqual((atNow as? [String: Any])?["at"] as? String, "2026-11-18T13:06:40.000Z")
        let (_, relative) = try await get("/api/state?at=-90m")
        XCTAssertEqual((relative as? [String: Any])?["at"] as? String, "2026-11-18T11:36:40.000Z")
        let (_, epoch) = try await get("/api/state?at=-1000")
        XCTAssertEqual((epoch as? [String: Any])?["at"] as? String, "1969-12-31T23:59:59.000Z")
    }
}
