import Crypto
import Delivery
import Foundation
import Logging
import Storage
import TestSupport
import XCTest

/// The webhook sink against a real HTTP server on loopback.
final class WebhookSinkTests: XCTestCase {
    private let secret = Array("s3cret-key".utf8)

    private func dispatcher(_ sink: WebhookSink, store: TelemetryStore) -> DeliveryDispatcher {
        var settings = DeliveryDispatcher.Settings()
        settings.fromStart = true
        settings.backoff = DeliveryBackoff(initial: 10, maximum: 50)
        return DeliveryDispatcher(sink: sink, store: store, logger: Logger(label: "test"), settings: settings)
    }

    private func expectedSignature(_ body: [UInt8]) -> String {
        let code = HMAC<SHA256>.authenticationCode(for: body, using: SymmetricKey(data: secret))
        return "sha256=" + code.map { String(format: "%02x", $0) }.joined()
    }

    func testEveryEventArrivesInOrderSignedThroughErrorsTimeoutsAndAnOutage() throws {
        let fixture = try DeliveryFixture()
        let raised = try fixture.raise(at: 1000)
        let cleared = try fixture.clear(raised, at: 2000)
        let second = try fixture.raise(device: "d2", at: 3000)
        // 500, then no answer (the client's deadline), then answered.
        let calls = LockedCounter()
        let receiver = try HTTPReceiver { _ in
            switch calls.next() {
            case 1: .status(500, body: "busy")
            case 2: .hang
            default: .status(204)
            }
        }
        let poster = HTTPPoster(timeout: 300)
        defer { poster.shutdown() }
        let target = WebhookTarget(url: try XCTUnwrap(URL(string: receiver.url + "/hook?token=abc")),
                                   headers: [.init(name: "Authorization", value: "Bearer t")], secret: secret)
        XCTAssertEqual(target.name, "webhook:\(receiver.url)/hook", "no query (it may hold a token) in the sink's name")
        let sink = WebhookSink(target: target, poster: poster, clock: { 5 })
        let delivery = dispatcher(sink, store: fixture.store)
        try delivery.start()
        defer { delivery.stop() }
        try receiver.waitForRequests(5)  // 500, timeout, then the three events

        // Down: the next event waits in the log while delivery fails.
        receiver.stop()
        let third = try fixture.raise(device: "d3", at: 4000)
        delivery.wake()
        XCTAssertTrue(waitUntil(timeout: .seconds(10)) { delivery.status.failures >= 3 })
        try receiver.start()
        let requests = try receiver.waitForRequests(6)
        delivery.stop()

        let delivered = Array(requests.dropFirst(2))
        XCTAssertEqual(delivered.map(\.text), [raised.event, cleared.event, second.event, third.event],
                       "each event's JSON exactly as stored, in log order")
        for request in requests {
            XCTAssertEqual(request.method, "POST")
            XCTAssertEqual(request.path, "/hook?token=abc")
            XCTAssertEqual(request.headers["authorization"], "Bearer t")
            XCTAssertEqual(request.headers["content-type"], "application/json")
            XCTAssertEqual(request.headers["x-telemetry-bridge-signature"], expectedSignature(request.body))
        }
        XCTAssertEqual(requests[0].headers["x-telemetry-bridge-event-id"], raised.id, "the failed ones were the first event")
        XCTAssertEqual(requests[1].headers["x-telemetry-bridge-event-id"], raised.id)
        XCTAssertEqual(try fixture.store.deliveryCursor(sink: target.name), 4)
        XCTAssertGreaterThanOrEqual(delivery.status.failures, 3, "500, no answer, down")
    }

    func testSilencedRaisesTheirClearsAndSilencesAreNotSentAcknowledgementsAre() throws {
        let fixture = try DeliveryFixture()
        try fixture.operatorEvent(silence: "s1", at: 500)
        let muted = try fixture.raise(device: "muted", at: 1000, silenced: "s1")
        let acknowledgement = try fixture.operatorEvent(acknowledging: muted, at: 1500)
        try fixture.clear(muted, at: 2000)
        let loud = try fixture.raise(device: "loud", at: 3000)
        let receiver = try HTTPReceiver()
        let poster = HTTPPoster(timeout: 2000)
        defer { poster.shutdown() }
        let target = WebhookTarget(url: try XCTUnwrap(URL(string: receiver.url)), name: "hook")
        let delivery = dispatcher(WebhookSink(target: target, poster: poster, clock: { 77 }), store: fixture.store)
        try delivery.start()
        defer { delivery.stop() }
        XCTAssertTrue(waitUntil(timeout: .seconds(10)) { (try? fixture.store.deliveryCursor(sink: "hook")) == 5 })
        delivery.stop()
        XCTAssertEqual(receiver.requests.map(\.text), [acknowledgement.event, loud.event])
    }

    func testA400IsRecordedAsTheSinksDeadLetterAndDeliveryContinues() throws {
        let fixture = try DeliveryFixture()
        let refused = try fixture.raise(device: "bad", at: 1000)
        let accepted = try fixture.raise(device: "good", at: 2000)
        let receiver = try HTTPReceiver { request in
            request.text.contains("\"bad\"") ? .status(400, body: "unknown device bad") : .status(200)
        }
        let poster = HTTPPoster(timeout: 2000)
        defer { poster.shutdown() }
        let target = WebhookTarget(url: try XCTUnwrap(URL(string: receiver.url)), name: "hook")
        let delivery = dispatcher(WebhookSink(target: target, poster: poster, clock: { 77 }), store: fixture.store)
        try delivery.start()
        defer { delivery.stop() }
        let requests = try receiver.waitForRequests(2)
        XCTAssertTrue(waitUntil(timeout: .seconds(10)) { (try? fixture.store.deliveryCursor(sink: "hook")) == 2 })
        delivery.stop()
        XCTAssertEqual(requests.map(\.text), [refused.event, accepted.event])
        XCTAssertNil(requests[0].headers["x-telemetry-bridge-signature"], "no secret, no signature")
        let refusals = try fixture.store.deliveryRefusals(sink: "hook")
        XCTAssertEqual(refusals, [DeliveryRefusal(sequence: 1, eventID: refused.id, reason: "HTTP 400",
                                                  response: "unknown device bad", at: 77)])
        XCTAssertEqual(delivery.status.failures, 0, "a refusal is not a failure: nothing to retry")
    }

    func testAnUnreachableReceiverIsAFailureNamingTheURLWithoutItsSecrets() throws {
        let port = FreePort.next()
        let poster = HTTPPoster(timeout: 1000)
        defer { poster.shutdown() }
        let url = try XCTUnwrap(URL(string: "http://user:pw@127.0.0.1:\(port)/x?token=secret"))
        XCTAssertThrowsError(try poster.post(url, body: [], headers: [])) { error in
            let text = "\(error)"
            XCTAssertTrue(text.contains("http://127.0.0.1:\(port)/x"), text)
            XCTAssertFalse(text.contains("secret") || text.contains("pw"), text)
        }
    }
}

/// A counter shared with a receiver's script.
final class LockedCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var value = 0

    func next() -> Int {
        lock.lock()
        defer { lock.unlock() }
        value += 1
        return value
    }
}
