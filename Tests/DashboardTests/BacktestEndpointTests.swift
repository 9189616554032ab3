import Foundation
import Hummingbird
import HummingbirdTesting
import NIOCore
import Rules
import Storage
import Telemetry
import XCTest

/// `POST /api/backtest`: a draft rule against the current rules over one device's history.
final class BacktestEndpointTests: DashboardTestCase {
    private func backtest(_ query: String, draft: String, rules: RuleSet?) async throws -> (HTTPResponse.Status, [String: Any]) {
        try await backtest(query, bytes: Array(draft.utf8), rules: rules)
    }

    private func backtest(_ query: String, bytes: [UInt8], rules: RuleSet?) async throws -> (HTTPResponse.Status, [String: Any]) {
        let app = Application(router: dashboard(rules: rules).router())
        return try await app.test(.router) { client in
            try await client.execute(uri: "/api/backtest?\(query)", method: .post, body: ByteBuffer(bytes: bytes)) { response in
                XCTAssertEqual(response.headers[.contentType], "application/json; charset=utf-8")
                let json = try JSONSerialization.jsonObject(with: Data(String(buffer: response.body).utf8)) as? [String: Any] ?? [:]
                return (response.status, json)
            }
        }
    }

    private var range: String { "device=pump-1&from=\(Self.t0)&to=\(Self.t0 + 60 * 60_000)" }

    func testADraftIsReplayedBesideTheCurrentRulesWithTheDifferences() async throws {
        // Current Warm: above 30 for 20 min, raised at t0+51m. Draft: above 20, raised at t0+41m.
        let draft = Self.rulesYAML.replacingOccurrences(of: "last(temperature) > 30", with: "last(temperature) > 20")
        let (status, json) = try await backtest(range, draft: draft, rules: try Self.rules())
        XCTAssertEqual(status, .ok, "\(json)")
        let current = json["current"] as? [[String: Any]] ?? []
        let drafted = json["draft"] as? [[String: Any]] ?? []
        XCTAssertEqual(current.map { $0["alert"] as? String }, ["Warm"])
        XCTAssertEqual(current.first?["from"] as? String, ISO8601Timestamp.string(Self.t0 + 51 * 60_000, fraction: .always))
        XCTAssertTrue(current.first?["to"] is NSNull, "still firing at the end")
        XCTAssertEqual(drafted.first?["from"] as? String, ISO8601Timestamp.string(Self.t0 + 41 * 60_000, fraction: .always))
        XCTAssertEqual([json["added"], json["removed"], json["moved"]].map { $0 as? Int }, [0, 0, 1])
        XCTAssertEqual(json["draftRules"] as? [String], ["Warm", "Quiet"])
    }

    func testBadDraftsAndParametersAreRefusedWithTheReason() async throws {
        var (status, json) = try await backtest(range, draft: "rules:\n  - alert: X\n    devices: pump\n    when: temprature > 1\n",
                                                rules: try Self.rules())
        XCTAssertEqual(status, .badRequest)
        XCTAssertEqual(json["parameter"] as? String, "rules")
        XCTAssertTrue((json["error"] as? String ?? "").contains("draft.yaml:4:11"), "\(json)")
        (status, json) = try await backtest(range, draft: Self.rulesYAML, rules: nil)
        XCTAssertEqual(status, .notFound)
        XCTAssertEqual(json["parameter"] as? String, "rules")
        (status, json) = try await backtest("device=pump-9", draft: Self.rulesYAML, rules: try Self.rules())
        XCTAssertEqual(status, .notFound)
        XCTAssertEqual(json["parameter"] as? String, "device")
        (status, json) = try await backtest("device=pump-1&from=0&to=\(Self.now)", draft: Self.rulesYAML, rules: try Self.rules())
        XCTAssertEqual(json["parameter"] as? String, "from")
        (status, json) = try await backtest(range, draft: String(repeating: "#", count: 300_000), rules: try Self.rules())
        XCTAssertEqual(status, .contentTooLarge, "\(json)")
        (status, json) = try await backtest(range, bytes: Array("rules:\n  - alert: Caf".utf8) + [0xE9, 0xFF], rules: try Self.rules())
        XCTAssertEqual(status, .badRequest)
        XCTAssertEqual(json["error"] as? String, "the draft is not UTF-8 text")
        let deep = String(repeating: "(", count: 2_000) + "temperature" + String(repeating: ")", count: 2_000)
        (status, json) = try await backtest(range, draft: "rules:\n  - alert: X\n    devices: pump\n    when: \(deep) > 1\n",
                                            rules: try Self.rules())
        XCTAssertEqual(status, .badRequest)
        XCTAssertTrue((json["error"] as? String ?? "").contains("nested deeper than 100 levels"), "\(json)")
        for query in ["device=pump-1&from=abc", "device=&to=1", "device=pump-1&from=\(Int64.max)&to=\(Int64.min)"] {
            (status, json) = try await backtest(query, draft: Self.rulesYAML, rules: try Self.rules())
            XCTAssertEqual(status == .badRequest || status == .notFound, true, "\(query): \(status) \(json)")
        }
    }
}
