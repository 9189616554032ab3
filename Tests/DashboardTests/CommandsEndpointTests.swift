import Foundation
import Hummingbird
import HummingbirdTesting
import NIOCore
import Rules
import Storage
import XCTest

/// Operators' commands and silences over the dashboard's API (`serve`: straight on the store):
/// the MQTT commands' JSON and responses, statuses that say the same, hostile bodies refused.
final class CommandsEndpointTests: DashboardTestCase {
    private func storeFiringRaise(_ id: String) throws {
        let at = Self.now - 60_000
        let raised = AlertRaised(id: id, alert: "overheat", device: "pump-1", deviceType: "pump", labels: ["site": "north"],
                                 severity: .critical, value: 41, message: "hot", at: at, pendingSince: at,
                                 cause: AlertCause(topic: nil, at: at))
        _ = try store.write(IngestBatch(observedAt: at, alerts: [AlertRecord(
            id: id, type: .raised, alert: "overheat", device: "pump-1", severity: "critical", at: at, value: 41, event: raised.json)]))
    }

    /// Sends each request in order through one router; returns (status, body as JSON) per request.
    private func exchange(_ requests: [(HTTPRequest.Method, String, [UInt8])]) async throws -> [(HTTPResponse.Status, [String: Any])] {
        let app = Application(router: dashboard().router())
        return try await app.test(.router) { client in
            var results: [(HTTPResponse.Status, [String: Any])] = []
            for (method, uri, body) in requests {
                let result = try await client.execute(uri: uri, method: method, body: ByteBuffer(bytes: body)) { response in
                    XCTAssertEqual(response.headers[.contentType], "application/json; charset=utf-8", uri)
                    let json = try JSONSerialization.jsonObject(with: Data(String(buffer: response.body).utf8)) as? [String: Any] ?? [:]
                    return (response.status, json)
                }
                results.append(result)
            }
            return results
        }
    }

    private func post(_ command: String, _ json: String) -> (HTTPRequest.Method, String, [UInt8]) {
        (.post, "/api/commands/\(command)", Array(json.utf8))
    }

    private func errorCode(_ json: [String: Any]) -> String? {
        (json["error"] as? [String: Any])?["code"] as? String
    }

    func testAcknowledgeSilenceAndUnsilenceAnswerAsTheMQTTCommandsDo() async throws {
        var results = try await exchange([post("ack", #"{"alert":"overheat","device":"pump-1","by":"ana"}"#)])
        XCTAssertEqual(results[0].0, .conflict, "r1 cleared: not firing")
        XCTAssertEqual(errorCode(results[0].1), "not_firing")

        try storeFiringRaise("r2")
        results = try await exchange([
            post("ack", #"{"alert":"overheat","device":"pump-1","by":"ana","comment":"on it","requestId":"q1"}"#),
            post("ack", #"{"alert":"overheat","device":"pump-1","by":"bo"}"#),
            post("ack", #"{"alert":"overheet","device":"pump-1","by":"bo"}"#),
            post("silence", #"{"device":"pump-*","duration":"1h","by":"ana","comment":"maintenance"}"#),
            (.get, "/api/silences", []),
            (.get, "/api/silences/preview?device=pump-*&days=1", []),
            (.get, "/api/state", []),
            (.get, "/api/state?at=\(Self.now - 1)", []),
        ])
        XCTAssertEqual(results[0].0, .ok)
        XCTAssertEqual(results[0].1["ok"] as? Bool, true)
        XCTAssertEqual(results[0].1["requestId"] as? String, "q1")
        XCTAssertEqual((results[0].1["event"] as? [String: Any])?["raisedId"] as? String, "r2")
        XCTAssertEqual(results[1].0, .conflict)
        XCTAssertEqual(errorCode(results[1].1), "already_acknowledged")
        XCTAssertEqual(results[2].0, .notFound)
        XCTAssertEqual((results[2].1["error"] as? [String: Any])?["message"] as? String,
                       "no alert 'overheet' was ever raised (did you mean 'overheat'?)")
        XCTAssertEqual(results[3].0, .ok)
        let silenceID = try XCTUnwrap((results[3].1["event"] as? [String: Any])?["id"] as? String)
        let listed = try XCTUnwrap(results[4].1["silences"] as? [[String: Any]])
        XCTAssertEqual(listed.map { $0["state"] as? String }, ["active"])
        XCTAssertEqual((listed.first?["event"] as? [String: Any])?["id"] as? String, silenceID)
        XCTAssertEqual(results[5].1["total"] as? Int, 1, "\(results[5].1)")
        XCTAssertEqual((results[5].1["matches"] as? [[String: Any]])?.map { $0["id"] as? String }, ["r2"])
        let firing = try XCTUnwrap(results[6].1["firing"] as? [[String: Any]])
        XCTAssertEqual(firing.map { ($0["acknowledged"] as? [String: Any])?["by"] as? String }, ["ana"], "the state shows who acknowledged")
        let before = try XCTUnwrap(results[7].1["firing"] as? [[String: Any]])
        XCTAssertEqual(before.map { $0["id"] as? String }, ["r2"])
        XCTAssertNil(before.first?["acknowledged"], "not yet acknowledged a millisecond before")

        results = try await exchange([
            post("unsilence", #"{"id":"\#(silenceID)","by":"bo"}"#),
            post("unsilence", #"{"id":"\#(silenceID)","by":"bo"}"#),
            (.get, "/api/silences", []),
            (.get, "/api/silences?all=true", []),
        ])
        XCTAssertEqual(results[0].0, .ok)
        XCTAssertEqual(results[1].0, .conflict)
        XCTAssertEqual(errorCode(results[1].1), "silence_over")
        XCTAssertEqual((results[2].1["silences"] as? [[String: Any]])?.count, 0)
        let all = try XCTUnwrap(results[3].1["silences"] as? [[String: Any]])
        XCTAssertEqual(all.map { $0["state"] as? String }, ["expired"])
        XCTAssertEqual(all.first?["expiredBy"] as? String, "bo")
        XCTAssertEqual(try store.operatorEvents().map(\.record.type), [.acknowledged, .silenceCreated, .silenceExpired])
    }

    func testHostileBodiesAndParametersAreRefusedAndChangeNothing() async throws {
        try storeFiringRaise("r2")
        let results = try await exchange([
            (.post, "/api/commands/ack", Array(repeating: 0x20, count: 70_000)),
            (.post, "/api/commands/ack", [0x7B, 0xFF, 0xFE, 0x7D]),
            (.post, "/api/commands/ack", []),
            (.post, "/api/commands/ack", Array((String(repeating: "[", count: 20_000) + String(repeating: "]", count: 20_000)).utf8)),
            post("snooze", "{}"),
            post("silence", #"{"where":"site == ","by":"a","duration":"1h"}"#),
            post("silence", #"{"alert":"*","by":"a","duration":"99999999999d"}"#),
            (.get, "/api/silences/preview?where=temperature%20%3E%203", []),
            (.get, "/api/silences/preview", []),
            (.get, "/api/silences/preview?alert=x&days=0", []),
            (.get, "/api/silences?all=maybe", []),
        ])
        XCTAssertEqual(results.map(\.0), [.contentTooLarge, .badRequest, .badRequest, .badRequest, .badRequest, .badRequest,
                                          .badRequest, .badRequest, .badRequest, .badRequest, .badRequest])
        XCTAssertEqual((results[5].1["error"] as? [String: Any])?["parameter"] as? String, "where")
        XCTAssertEqual(results[7].1["parameter"] as? String, "where")
        XCTAssertEqual(results[8].1["parameter"] as? String, "alert")
        XCTAssertEqual(results[9].1["parameter"] as? String, "days")
        XCTAssertEqual(results[10].1["parameter"] as? String, "all")
        XCTAssertEqual(try store.operatorEvents().count, 0)
    }
}
