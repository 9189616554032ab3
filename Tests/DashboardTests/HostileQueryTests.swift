import Foundation
import Hummingbird
import HummingbirdTesting
import Telemetry
import TestSupport
import XCTest

/// No query parameter value may crash an endpoint: each answers 200, or 400/404 naming the
/// parameter. A trap here would end the test process, as it ended the daemon.
final class HostileQueryTests: DashboardTestCase {
    static let endpoints: [(path: String, base: String, parameters: [String])] = [
        ("/api/series", "device=pump-1&metric=temperature", ["from", "to", "points"]),
        ("/api/alerts", "", ["from", "to", "alert", "device", "type", "limit", "order"]),
        ("/api/deliveries", "", ["from", "to", "alert", "device", "type", "limit", "order"]),
        ("/api/state", "", ["at"]),
        ("/api/overview", "", ["at"]),
        ("/api/deadletters", "", ["reason", "topic", "from", "to", "limit", "order"]),
        ("/api/devices", "", ["x"]),
    ]

    static let hostileValues: [String] = [
        "\(Int64.min)", "\(Int64.max)", "-9223372036854775809", "9223372036854775808", "99999999999999999999999",
        "0", "-1", "-0", "1e309", "NaN", "nan", "inf", "-inf", "0x10", "+5",
        "0000-01-01T00:00:00Z", "99999-01-01T00:00:00Z", "9999-12-31T23:59:59.999Z", "2026-02-30T00:00:00Z",
        "2026-11-23T24:00:00Z", "2026-11-23T10:00:00+99:99", "2026-11-23T10:00:00.99999999999999999999Z",
        "-99999999999999w", "-1e400h", "-9223372036854775807ms", "-106751991167d", "-0s", "-", "now", "-now",
        "", "%00", "%FF%FE", "%", "%zz", "a%20b", String(repeating: "9", count: 5_000), String(repeating: "x", count: 2_000),
        "asc", "desc", "raised", "RAISED", "é", "\u{202E}", "<script>",
    ]

    func testTheIssueRequestIsRefusedNamingTheParameter() async throws {
        try await assertError("/api/series?device=pump-1&metric=temperature&to=-9223372036854775808", parameter: "to")
        try await assertError("/api/series?device=pump-1&metric=temperature&from=-9223372036854775808", parameter: "from")
        try await assertError("/api/series?device=pump-1&metric=temperature&to=-99999999999w", parameter: "to")
        try await assertError("/api/series?device=pump-1&metric=temperature&points=99999999999999999999", parameter: "points")
        try await assertError("/api/alerts?limit=\(Int.max)", parameter: "limit")
    }

    func testTimesAtTheCalendarsEndsAnswer() async throws {
        let (first, _) = try await get("/api/series?device=pump-1&metric=temperature&from=0000-01-01T00:00:00Z&to=0000-01-02T00:00:00Z")
        XCTAssertEqual(first, .ok)
        let (last, _) = try await get("/api/series?device=pump-1&metric=temperature&from=9999-12-30T00:00:00Z&to=9999-12-31T23:59:59.999Z&points=5000")
        XCTAssertEqual(last, .ok)
        let (whole, _) = try await get("/api/series?device=pump-1&metric=temperature&from=-62167219200000&to=253402300799999&points=5000")
        XCTAssertEqual(whole, .ok)
        let (alerts, _) = try await get("/api/alerts?from=-62167219200000&to=253402300799999&limit=100000")
        XCTAssertEqual(alerts, .ok)
    }

    /// Every parameter of every endpoint, with every hostile value, and then random values.
    func testNoParameterValueCrashesAnyEndpoint() async throws {
        let app = Application(router: dashboard(rules: try Self.rules()).router())
        try await app.test(.router) { client in
            for (path, base, parameters) in Self.endpoints {
                for parameter in parameters {
                    for value in Self.hostileValues {
                        try await Self.assertAnswers(client, path, base, parameter, value)
                    }
                }
            }
            // About 2,000 requests a second in router mode: the fuzz budget sets how many.
            var generator = SplitMix64(seed: Fuzzing.seed)
            let tokens = ["-", "T", ":", "Z", "9", "%", "&", "=", "w", "."].map { Array($0.utf8) }
            for _ in 0..<max(500, Int(Fuzzing.seconds * 2_000)) {
                let (path, base, parameters) = Self.endpoints.randomElement(using: &generator) ?? Self.endpoints[0]
                let parameter = parameters.randomElement(using: &generator) ?? "x"
                let seed = Array((Self.hostileValues.randomElement(using: &generator) ?? "").utf8)
                let value = String(decoding: Fuzzing.mutate(seed, tokens: tokens, using: &generator), as: UTF8.self)
                try await Self.assertAnswers(client, path, base, parameter, value)
            }
        }
    }

    private static func assertAnswers(_ client: some TestClientProtocol, _ path: String, _ base: String, _ parameter: String, _ value: String) async throws {
        let encoded = value.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
        let query = (base.isEmpty ? "" : base + "&") + "\(parameter)=\(encoded)"
        let uri = "\(path)?\(query)"
        try await client.execute(uri: uri, method: .get) { response in
            XCTAssertTrue([.ok, .badRequest, .notFound].contains(response.status), "\(uri): \(response.status)")
            if response.status == .badRequest {
                let json = try JSONSerialization.jsonObject(with: Data(String(buffer: response.body).utf8)) as? [String: Any]
                // A `from` at or after the default `to` is refused as "to must be after from".
                let named = json?["parameter"] as? String
                XCTAssertTrue(named == parameter || (parameter == "from" && named == "to"), "\(uri): \(named ?? "nil")")
            }
        }
    }
}
