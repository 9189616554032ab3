import Operations
import Replay
import Rules
import Storage
import Telemetry
import TestSupport
import XCTest

/// Acknowledge, silence and unsilence against a real SQLite alert log: every refusal names its
/// parameter and leaves the log unchanged.
final class AlertOperatorTests: XCTestCase {
    private var directory: TemporaryDirectory!
    private var store: TelemetryStore!
    private var operations: AlertOperator!
    private let minute: Int64 = 60_000
    private let now: Int64 = 1_800_000_000_000

    override func setUpWithError() throws {
        directory = try TemporaryDirectory(prefix: "operations-tests")
        store = try TelemetryStore(path: directory.file("log.sqlite"))
        operations = AlertOperator(store: store, ids: UUIDv7Generator(seed: 7))
    }

    override func tearDown() {
        directory.remove()
    }

    private func raise(_ id: String, alert: String = "Hot", device: String = "gh-01", at: Int64, labels: [String: String] = [:]) -> AlertRaised {
        AlertRaised(id: id, alert: alert, device: device, deviceType: "climate-sensor", labels: labels, severity: .critical,
                    value: 31, message: "hot", at: at, pendingSince: at, cause: AlertCause(topic: nil, at: at))
    }

    private func store(_ events: [AlertEvent]) throws {
        _ = try store.write(IngestBatch(observedAt: now, alerts: events.map { AlertRecord($0, severity: "critical") }))
    }

    private func logSize() throws -> Int {
        try store.alertEvents(after: 0, limit: 10_000).count
    }

    private func assertRefused(_ code: OperatorError.Code, parameter: String?, containing text: String,
                               _ body: () throws(OperatorError) -> LoggedAlertEvent, line: UInt = #line) throws {
        let before = try logSize()
        do {
            let event = try body()
            XCTFail("accepted: \(event.record.event)", line: line)
        } catch {
            XCTAssertEqual(error.code, code, "\(error)", line: line)
            XCTAssertEqual(error.parameter, parameter, "\(error)", line: line)
            XCTAssertTrue(error.message.contains(text), "\(error.message)", line: line)
        }
        XCTAssertEqual(try logSize(), before, "the log is unchanged", line: line)
    }

    func testAcknowledgingAFiringAlertLogsItOnceWithItsRaise() throws {
        let raised = raise("r1", at: now - minute)
        try store([.raised(raised)])
        let event = try operations.acknowledge(AcknowledgeRequest(alert: "Hot", device: "gh-01", by: "ana", comment: "on it"), now: now)
        XCTAssertEqual(event.record.type, .acknowledged)
        XCTAssertEqual(event.record.raisedID, "r1")
        XCTAssertEqual(event.record.severity, "critical", "published where its raise was")
        guard case .acknowledged(let ack)? = OperatorLog.event(event.record) else { return XCTFail(event.record.event) }
        XCTAssertEqual([ack.by, ack.comment, ack.alert, ack.device], ["ana", "on it", "Hot", "gh-01"])
        XCTAssertEqual(ack.at, now)
        XCTAssertEqual(try store.firingAcknowledgements(through: event.sequence)["r1"]?.sequence, event.sequence)
        try assertRefused(.alreadyAcknowledged, parameter: "alert", containing: "already acknowledged by ana") {
            () throws(OperatorError) in try operations.acknowledge(AcknowledgeRequest(alert: "Hot", device: "gh-01", by: "bo"), now: now + 1)
        }
    }

    func testAcknowledgingAnUnknownOrClearedAlertIsRefused() throws {
        let raised = raise("r1", at: now - 2 * minute)
        try store([.raised(raised), .cleared(AlertCleared(id: "c1", raisedId: "r1", alert: "Hot", device: "gh-01", severity: .critical,
                                                          value: 27, at: now - minute, raisedAt: raised.at))])
        try assertRefused(.notFiring, parameter: "alert", containing: "is not firing: it cleared at") {
            () throws(OperatorError) in try operations.acknowledge(AcknowledgeRequest(alert: "Hot", device: "gh-01", by: "ana"), now: now)
        }
        try assertRefused(.unknownAlert, parameter: "alert", containing: "did you mean 'Hot'") {
            () throws(OperatorError) in try operations.acknowledge(AcknowledgeRequest(alert: "Hto", device: "gh-01", by: "ana"), now: now)
        }
        try assertRefused(.unknownAlert, parameter: "device", containing: "never raised for device 'gh-02' (did you mean 'gh-01'?)") {
            () throws(OperatorError) in try operations.acknowledge(AcknowledgeRequest(alert: "Hot", device: "gh-02", by: "ana"), now: now)
        }
        try assertRefused(.invalid, parameter: "by", containing: "say who you are") {
            () throws(OperatorError) in try operations.acknowledge(AcknowledgeRequest(alert: "Hot", device: "gh-01", by: " "), now: now)
        }
    }

    func testNamesCommentsAndIdsBeyondTheirBoundsAreRefused() throws {
        try store([.raised(raise("r1", at: now - minute))])
        let refused: [(request: AcknowledgeRequest, parameter: String, reason: String)] = [
            (AcknowledgeRequest(alert: "Hot", device: "gh-01", by: "ana\u{7}"), "by", "contains a control character"),
            (AcknowledgeRequest(alert: "Hot", device: "gh-01", by: String(repeating: "n", count: AlertOperator.maximumNameLength + 1)),
             "by", "longer than 128 characters"),
            (AcknowledgeRequest(alert: "Hot", device: "gh-01", by: "ana", comment: String(repeating: "c", count: AlertOperator.maximumCommentLength + 1)),
             "comment", "longer than 2048 characters"),
            (AcknowledgeRequest(alert: String(repeating: "A", count: 1025), device: "gh-01", by: "ana"), "alert", "longer than 1024 bytes"),
            (AcknowledgeRequest(alert: "Hot", device: "", by: "ana"), "device", "missing"),
        ]
        for (request, parameter, reason) in refused {
            try assertRefused(.invalid, parameter: parameter, containing: reason) { () throws(OperatorError) in
                try operations.acknowledge(request, now: now)
            }
        }
        try assertRefused(.invalid, parameter: "id", containing: "longer than 1024 bytes") { () throws(OperatorError) in
            try operations.unsilence(UnsilenceRequest(id: String(repeating: "0", count: 2000), by: "ana"), now: now)
        }
        let accepted = try operations.acknowledge(AcknowledgeRequest(
            alert: "Hot", device: "gh-01", by: String(repeating: "n", count: AlertOperator.maximumNameLength),
            comment: String(repeating: "é", count: AlertOperator.maximumCommentLength)), now: now)
        XCTAssertEqual(accepted.record.type, .acknowledged, "at the bounds: accepted")
    }

    func testASilenceMustEndAfterItStartsAndInTheFuture() throws {
        let matchers = try SilenceMatchers(alert: "Hot", device: nil, where: nil)
        try assertRefused(.invalid, parameter: "endsAt", containing: "not after it starts") {
            () throws(OperatorError) in
            try operations.silence(SilenceRequest(matchers: matchers, startsAt: now + 2 * minute, endsAt: now + minute, by: "ana"), now: now)
        }
        try assertRefused(.invalid, parameter: "endsAt", containing: "in the past") {
            () throws(OperatorError) in
            try operations.silence(SilenceRequest(matchers: matchers, startsAt: now - 2 * minute, endsAt: now - minute, by: "ana"), now: now)
        }
        let created = try operations.silence(SilenceRequest(matchers: matchers, endsAt: now + minute, by: "ana", comment: "pump"), now: now)
        XCTAssertEqual(created.record.type, .silenceCreated)
        let silences = try operations.silences()
        XCTAssertEqual(silences.all.map(\.id), [created.record.id])
        XCTAssertEqual(silences.all.first?.state(at: now), .active)
    }

    func testUnsilenceEndsASilenceOnceByAUniquePrefix() throws {
        let matchers = try SilenceMatchers(alert: nil, device: "gh-*", where: nil)
        let created = try operations.silence(SilenceRequest(matchers: matchers, endsAt: now + 60 * minute, by: "ana"), now: now)
        try assertRefused(.invalid, parameter: "id", containing: "at least its first 8") {
            () throws(OperatorError) in try operations.unsilence(UnsilenceRequest(id: "0190", by: "bo"), now: now + minute)
        }
        try assertRefused(.unknownSilence, parameter: "id", containing: "no silence") {
            () throws(OperatorError) in try operations.unsilence(UnsilenceRequest(id: "ffffffff-0000", by: "bo"), now: now + minute)
        }
        let expired = try operations.unsilence(UnsilenceRequest(id: String(created.record.id.prefix(13)), by: "bo"), now: now + minute)
        XCTAssertEqual(expired.record.raisedID, created.record.id)
        let silence = try XCTUnwrap(try operations.silences().silence(id: created.record.id))
        XCTAssertEqual(silence.expiredAt, now + minute)
        XCTAssertEqual(silence.expiredBy, "bo")
        XCTAssertEqual(silence.state(at: now + minute), .expired)
        try assertRefused(.silenceOver, parameter: "id", containing: "already ended by bo") {
            () throws(OperatorError) in try operations.unsilence(UnsilenceRequest(id: created.record.id, by: "cy"), now: now + 2 * minute)
        }
    }

    func testPreviewListsThePastRaisesASilenceWouldHaveMatched() throws {
        var events: [AlertEvent] = []
        for index in 0..<40 {
            let device = "gh-\(index % 4)"
            events.append(.raised(raise("r\(index)", alert: index % 2 == 0 ? "Hot" : "Dry", device: device,
                                        at: now - Int64(40 - index) * 60 * minute, labels: ["site": index % 4 < 2 ? "north" : "south"])))
        }
        try store(events)
        let matchers = try SilenceMatchers(alert: "Hot", device: "gh-*", where: "site == \"north\"")
        let (matches, total) = try operations.preview(matchers, from: now - 24 * 60 * minute, to: now, limit: 3)
        // Within the last 24 h: indexes 16..<40; Hot = even; north = index % 4 < 2: so index % 4 == 0.
        let expected = (16..<40).filter { $0 % 4 == 0 }.reversed().map { "r\($0)" }
        XCTAssertEqual(total, expected.count)
        XCTAssertEqual(matches.map(\.id), Array(expected.prefix(3)), "newest first, limited")
        let paged = try operations.preview(matchers, from: now - 24 * 60 * minute, to: now, limit: 3, pageSize: 7)
        XCTAssertEqual(paged.total, total, "read a few raises at a time: the same answer")
        XCTAssertEqual(paged.matches.map(\.id), matches.map(\.id))
    }

    func testAReadOfOneEventLeavesNoStaleSnapshotForLaterReads() throws {
        // A single-row read that left its statement on the row kept the pooled reader's snapshot:
        // the daemon then missed a silence logged after an acknowledgement's raise was looked up.
        try store([.raised(raise("r1", at: now - minute))])
        for round in 0..<5 {
            XCTAssertNotNil(try store.alertEvent(id: "r1"))
            let created = try operations.silence(SilenceRequest(matchers: try SilenceMatchers(alert: "Hot", device: nil, where: nil),
                                                                endsAt: now + minute, by: "ana"), now: now)
            XCTAssertEqual(try store.operatorEvents().last?.sequence, created.sequence, "round \(round)")
        }
    }

    func testCommandsAreReadWithErrorsNamingTheField() {
        func refusal(_ name: String, _ json: String) -> OperatorError? {
            if case .failure(let error) = OperatorCommand.parse(name: name, payload: Array(json.utf8), now: now).command { return error }
            return nil
        }
        XCTAssertEqual(refusal("ack", "{\"alert\":\"Hot\"")?.message, "the command is not valid JSON")
        XCTAssertEqual(refusal("ack", "[1]")?.message, "the command must be a JSON object")
        XCTAssertEqual(refusal("ack", "{\"alert\":\"Hot\",\"device\":\"d\",\"by\":\"a\",\"coment\":\"x\"}")?.parameter, "coment")
        XCTAssertTrue(refusal("ack", "{\"alert\":\"Hot\",\"device\":\"d\",\"by\":\"a\",\"coment\":\"x\"}")?.message.contains("did you mean 'comment'") ?? false)
        XCTAssertEqual(refusal("ack", "{\"alert\":\"Hot\",\"by\":\"a\"}")?.parameter, "device")
        XCTAssertEqual(refusal("ack", "{\"alert\":7,\"device\":\"d\",\"by\":\"a\"}")?.message, "must be a string")
        XCTAssertEqual(refusal("silence", "{\"alert\":\"Hot\",\"by\":\"a\"}")?.parameter, "endsAt")
        XCTAssertEqual(refusal("silence", "{\"alert\":\"Hot\",\"by\":\"a\",\"duration\":\"soon\"}")?.parameter, "duration")
        XCTAssertEqual(refusal("silence", "{\"alert\":\"Hot\",\"by\":\"a\",\"endsAt\":\"tomorrow\"}")?.parameter, "endsAt")
        XCTAssertEqual(refusal("silence", "{\"where\":\"site ==\",\"by\":\"a\",\"duration\":\"1h\"}")?.parameter, "where")
        XCTAssertEqual(refusal("silence", "{\"by\":\"a\",\"duration\":\"1h\"}")?.parameter, "alert")
        XCTAssertEqual(refusal("ack", String(repeating: " ", count: 70_000))?.message, "command larger than 65536 bytes")
        XCTAssertEqual(refusal("acknowledge", "{}")?.parameter, "command")
        let parsed = OperatorCommand.parse(name: "silence", payload: Array("{\"alert\":\"Hot\",\"by\":\"a\",\"duration\":\"2h\",\"requestId\":\"q1\"}".utf8), now: now)
        XCTAssertEqual(parsed.requestID, "q1")
        guard case .success(.silence(let request)) = parsed.command else { return XCTFail("\(parsed)") }
        XCTAssertEqual(request.endsAt, now + 120 * minute)
        XCTAssertEqual(request.startsAt, now, "the duration counts from the command's now")
        let response = OperatorCommand.response(.failure(OperatorError(.notFiring, parameter: "alert", "not \"firing\"")), requestID: "q1")
        XCTAssertEqual(String(decoding: response, as: UTF8.self),
                       #"{"ok":false,"requestId":"q1","error":{"code":"not_firing","parameter":"alert","message":"not \"firing\""}}"#)
    }
}
