import Operations
import Rules
import XCTest

/// Commands as a hostile publisher sends them: every one is refused with a reason (or accepted
/// within the bounds), none traps, and what the response echoes is bounded by the command's size.
final class HostileCommandTests: XCTestCase {
    private let now: Int64 = 1_800_000_000_000

    private func refusal(_ name: String, _ payload: [UInt8], line: UInt = #line) -> OperatorError? {
        switch OperatorCommand.parse(name: name, payload: payload, now: now).command {
        case .failure(let error): return error
        case .success(let command):
            XCTFail("accepted: \(command)", line: line)
            return nil
        }
    }

    private func refusal(_ name: String, _ json: String, line: UInt = #line) -> OperatorError? {
        refusal(name, Array(json.utf8), line: line)
    }

    func testMalformedBytesAreRefusedAsJSON() {
        XCTAssertEqual(refusal("ack", [])?.message, "the command is not valid JSON")
        XCTAssertEqual(refusal("ack", [0xFF, 0xFE, 0x7B, 0x7D])?.message, "the command is not valid JSON")
        XCTAssertEqual(refusal("ack", Array(#"{"alert":""#.utf8) + [0xC3, 0x28] + Array(#"","device":"d","by":"a"}"#.utf8))?.message,
                       "the command is not valid JSON")
        XCTAssertEqual(refusal("ack", "null")?.message, "the command must be a JSON object")
        XCTAssertEqual(refusal("ack", "\"ack\"")?.message, "the command must be a JSON object")
    }

    func testDeepNestingAndSizeAreBounded() {
        let deep = #"{"alert":"# + String(repeating: "[", count: 30_000) + String(repeating: "]", count: 30_000) + "}"
        XCTAssertNotNil(refusal("ack", deep), "refused (too deep or not a string), never a crash")
        let deepObject = String(repeating: #"{"a":"#, count: 10_000) + "1" + String(repeating: "}", count: 10_000)
        XCTAssertNotNil(refusal("ack", deepObject))
        XCTAssertEqual(refusal("ack", #"{"alert":""# + String(repeating: "x", count: OperatorCommand.maximumBytes) + #""}"#)?.message,
                       "command larger than 65536 bytes")
        let parsed = OperatorCommand.parse(name: "ack", payload: Array((#"{"requestId":""# + String(repeating: "r", count: 60_000) + #""}"#).utf8), now: now)
        XCTAssertEqual(parsed.requestID?.count, 60_000, "echoed, bounded by the command's own size")
        XCTAssertEqual(refusal("ack", #"{"requestId":7,"alert":"Hot","device":"d","by":"a"}"#)?.parameter, "requestId")
    }

    func testFieldsAtAndBeyondTheirBounds() {
        func ack(alert: String = "Hot", device: String = "d", by: String = "ana", comment: String = "") -> String {
            func quoted(_ text: String) -> String {
                String(decoding: try! JSONSerialization.data(withJSONObject: [text], options: []), as: UTF8.self).dropFirst().dropLast().description
            }
            return "{\"alert\":\(quoted(alert)),\"device\":\(quoted(device)),\"by\":\(quoted(by)),\"comment\":\(quoted(comment))}"
        }
        XCTAssertEqual(refusal("ack", #"{"alert":"","device":"d","by":"a"}"#)?.parameter, "alert")
        XCTAssertEqual(refusal("ack", #"{"alert":"Hot","device":"d","by":7}"#)?.parameter, "by")
        XCTAssertEqual(refusal("ack", #"{"alert":["Hot"],"device":"d","by":"a"}"#)?.parameter, "alert")
        XCTAssertEqual(refusal("ack", #"{"alert":{"x":{"y":1}},"device":"d","by":"a"}"#)?.parameter, "alert")
        // Bounds of the action itself are checked by AlertOperator (see AlertOperatorTests); the
        // parsed request keeps the text as sent.
        guard case .success(.acknowledge(let request)) = OperatorCommand.parse(
            name: "ack", payload: Array(ack(by: String(repeating: "é", count: 200), comment: String(repeating: "c", count: 5000)).utf8), now: now).command
        else { return XCTFail("a long name is read, then refused by the operator") }
        XCTAssertEqual(request.by.count, 200)
    }

    func testTimesAndDurationsAtTheExtremes() {
        for (json, parameter) in [
            (#"{"alert":"Hot","by":"a","duration":"9999999999999999d"}"#, "duration"),
            (#"{"alert":"Hot","by":"a","duration":"-1h"}"#, "duration"),
            (#"{"alert":"Hot","by":"a","duration":"0s"}"#, "duration"),
            (#"{"alert":"Hot","by":"a","duration":"100000000d"}"#, "duration"),
            (#"{"alert":"Hot","by":"a","endsAt":"99999-01-01T00:00:00Z"}"#, "endsAt"),
            (#"{"alert":"Hot","by":"a","endsAt":9223372036854775807}"#, "endsAt"),
            (#"{"alert":"Hot","by":"a","endsAt":1e300}"#, "endsAt"),
            (#"{"alert":"Hot","by":"a","endsAt":true}"#, "endsAt"),
            (#"{"alert":"Hot","by":"a","startsAt":"-9999999999999d","duration":"1h"}"#, "startsAt"),
            (#"{"alert":"Hot","by":"a","endsAt":"now","duration":"1h"}"#, "duration"),
            (#"{"where":"(((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((a == \"b\"))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))","by":"a","duration":"1h"}"#, "where"),
            (#"{"where":"site == \"x\" or"#.appending(String(repeating: " site == \\\"x\\\" or", count: 2000)) + #" site == \"x\"","by":"a","duration":"1h"}"#, "where"),
            (#"{"alert":""# + String(repeating: "A", count: 600) + #"","by":"a","duration":"1h"}"#, "alert"),
        ] {
            XCTAssertEqual(refusal("silence", json)?.parameter, parameter, json.prefix(120).description)
        }
    }
}
