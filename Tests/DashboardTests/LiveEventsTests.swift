import Storage
import Telemetry
import XCTest

@testable import Dashboard

/// The broadcaster on its own: the frames of a commit, bounded buffers that overflow instead of
/// blocking the publisher, keepalives, shutdown and cancellation.
final class LiveEventsTests: XCTestCase {
    private static let t0: Int64 = 1_795_428_900_000

    private func reading(_ device: String, _ metric: String, _ offset: Int64, _ value: Double) -> Reading {
        Reading(device: device, metric: metric, timestamp: Self.t0 + offset, value: value)
    }

    private func text(_ delivery: LiveEventSubscriber.Delivery) -> String? {
        guard case .events(let bytes) = delivery else { return nil }
        return String(decoding: bytes, as: UTF8.self)
    }

    func testACommitBecomesReadingsAlertAndDeadLetterEventsInOrder() async throws {
        let events = LiveEvents()
        let subscriber = try XCTUnwrap(events.subscribe().subscriber)
        let raised = #"{"type":"AlertRaised","schema":1,"id":"a1","alert":"Hot","device":"gh-\"1"}"#
        events.publish(CommittedBatch(
            readings: [reading("gh-\"1", "temperature", 0, 21.5), reading("gh-\"1", "humidity", 0, 40)],
            alerts: [AlertRecord(id: "a1", type: .raised, alert: "Hot", device: "gh-\"1", severity: "critical",
                                 at: Self.t0, event: raised)],
            deadLetters: [DeadLetter(topic: "greenhouse/north/x/climate", payload: Array("{oops".utf8), receivedAt: Self.t0 + 5,
                                     reasons: [.malformedJSON(offset: 1, message: "bad")])]))
        let delivered = await subscriber.next(keepalive: .seconds(5))
        XCTAssertEqual(text(delivered), """
            event: readings
            data: [{"device":"gh-\\"1","metric":"temperature","t":"2026-11-23T10:15:00.000Z","value":21.5},\
            {"device":"gh-\\"1","metric":"humidity","t":"2026-11-23T10:15:00.000Z","value":40}]

            event: alert
            data: \(raised)

            event: deadletter
            data: {"topic":"greenhouse/north/x/climate","reason":"malformed_json","receivedAt":"2026-11-23T10:15:00.005Z"}


            """)
    }

    func testABigBatchSendsTheLastReadingOfEachSeries() async throws {
        let events = LiveEvents()
        let subscriber = try XCTUnwrap(events.subscribe().subscriber)
        let readings = (0..<(LiveEvents.readingsLimit + 1)).map {
            reading($0 % 2 == 0 ? "a" : "b", "temperature", Int64($0) * 1000, Double($0))
        }
        events.publish(CommittedBatch(readings: readings))
        let next = await subscriber.next(keepalive: .seconds(5))
        let delivered = try XCTUnwrap(text(next))
        let data = try XCTUnwrap(delivered.split(separator: "\n").first { $0.hasPrefix("data: ") }).dropFirst(6)
        let array = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(data.utf8)) as? [[String: Any]])
        XCTAssertEqual(array.map { $0["device"] as? String }, ["b", "a"], "in the order each series last appears")
        XCTAssertEqual(array.map { $0["value"] as? Double }, [499, 500])
    }

    func testAFullBufferDropsEverythingBufferedForOneOverflowEventWithoutBlockingThePublisher() async throws {
        let events = LiveEvents(bufferCapacity: 2)
        let subscriber = try XCTUnwrap(events.subscribe().subscriber)
        for index in 0..<3 {
            events.publish(CommittedBatch(readings: [reading("a", "temperature", Int64(index), 1)]))
        }
        XCTAssertEqual(subscriber.overflows, 1)
        let afterOverflow = await subscriber.next(keepalive: .seconds(5))
        XCTAssertEqual(text(afterOverflow), "event: overflow\ndata: {}\n\n")
        events.publish(CommittedBatch(readings: [reading("a", "temperature", 5_000, 2)]))
        let delivery = await subscriber.next(keepalive: .seconds(5))
        let next = try XCTUnwrap(text(delivery))
        XCTAssertTrue(next.hasPrefix("event: readings\n"), next)
        XCTAssertTrue(next.contains(#""value":2}"#), next)

        // A client that never reads: the publisher goes on, the buffer stays bounded.
        for index in 0..<10_000 {
            events.publish(CommittedBatch(readings: [reading("a", "temperature", 10_000 + Int64(index), 3)]))
        }
        let backlog = await subscriber.next(keepalive: .seconds(5))
        let frames = try XCTUnwrap(text(backlog)).components(separatedBy: "\n\n").filter { !$0.isEmpty }
        XCTAssertLessThanOrEqual(frames.count, 2)
        XCTAssertEqual(frames.first, "event: overflow\ndata: {}")
    }

    func testOverflowIsPerClient() async throws {
        let events = LiveEvents(bufferCapacity: 3)
        let slow = try XCTUnwrap(events.subscribe().subscriber)
        let fast = try XCTUnwrap(events.subscribe().subscriber)
        var fastSeen = 0
        for index in 0..<10 {
            events.publish(CommittedBatch(readings: [reading("a", "temperature", Int64(index), Double(index))]))
            let delivery = await fast.next(keepalive: .seconds(5))
            let delivered = try XCTUnwrap(text(delivery))
            fastSeen += delivered.components(separatedBy: "event: readings").count - 1
        }
        XCTAssertEqual(fastSeen, 10)
        XCTAssertEqual(fast.overflows, 0)
        XCTAssertGreaterThan(slow.overflows, 0)
    }

    func testNothingIsQueuedWithoutSubscribersAndAQuietStreamKeepsAlive() async throws {
        let events = LiveEvents()
        events.publish(CommittedBatch(readings: [reading("a", "temperature", 0, 1)]))
        let subscriber = try XCTUnwrap(events.subscribe().subscriber)
        XCTAssertEqual(events.subscribers, 1)
        let delivered = await subscriber.next(keepalive: .milliseconds(50))
        XCTAssertEqual(delivered, .keepalive)
        events.unsubscribe(subscriber)
        XCTAssertEqual(events.subscribers, 0)
    }

    func testCloseEndsWaitingStreamsAndRefusesNewOnes() async throws {
        let events = LiveEvents()
        let subscriber = try XCTUnwrap(events.subscribe().subscriber)
        let waiting = Task { await subscriber.next(keepalive: .seconds(60)) }
        events.close()
        let delivered = await waiting.value
        XCTAssertEqual(delivered, .finished)
        XCTAssertNil(events.subscribe().subscriber)
        XCTAssertEqual(events.subscribers, 0)
    }

    func testCancellingTheReaderEndsItsStream() async throws {
        let events = LiveEvents()
        let subscriber = try XCTUnwrap(events.subscribe().subscriber)
        let waiting = Task { await subscriber.next(keepalive: .seconds(60)) }
        waiting.cancel()
        let delivered = await waiting.value
        XCTAssertEqual(delivered, .finished, "a cancelled wait does not sit out the keepalive interval")
        let after = await subscriber.next(keepalive: .seconds(60))
        XCTAssertEqual(after, .finished)
    }
}
