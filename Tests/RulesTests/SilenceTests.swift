import Telemetry
import XCTest
@testable import Rules

/// Silences: matchers, the time they are in force, and the raises (and clears) the engine marks.
final class SilenceTests: XCTestCase {
    private let hot = """
        rules:
          - alert: Hot
            devices: climate-sensor
            when: temperature > 30
            clear: temperature < 28
            labels: {team: growers}
        """

    private func silence(_ id: String = "s1", alert: String? = nil, device: String? = nil, where condition: String? = nil,
                         from start: Int64, to end: Int64, createdAt: Int64? = nil) throws -> Silence {
        Silence(id: id, matchers: try SilenceMatchers(alert: alert, device: device, where: condition), startsAt: start,
                endsAt: end, createdBy: "ops", comment: "", createdAt: createdAt ?? start)
    }

    func testMatchersNeedAtLeastOneAndNameTheBadOne() {
        XCTAssertThrowsError(try SilenceMatchers(alert: nil, device: " ", where: nil)) { error in
            XCTAssertEqual((error as? SilenceMatcherError)?.matcher, "alert")
        }
        XCTAssertThrowsError(try SilenceMatchers(alert: nil, device: nil, where: "site == ")) { error in
            let error = error as? SilenceMatcherError
            XCTAssertEqual(error?.matcher, "where")
            XCTAssertEqual(error?.column, 9)
        }
        XCTAssertThrowsError(try SilenceMatchers(alert: nil, device: nil, where: "site == \"a\" and temperature > 3")) { error in
            let error = error as? SilenceMatcherError
            XCTAssertEqual(error?.matcher, "where")
            XCTAssertEqual(error?.column, 17, "\(String(describing: error))")
        }
    }

    func testMatchersAreGlobsAndALabelCondition() throws {
        let matchers = try SilenceMatchers(alert: "Ho?", device: "gh-*", where: "site == \"north\" and not (team == \"x\")")
        XCTAssertTrue(matchers.matches(alert: "Hot", device: "gh-01", labels: ["site": "north", "team": "growers"]))
        XCTAssertFalse(matchers.matches(alert: "Hot", device: "gh-01", labels: ["site": "south", "team": "growers"]))
        XCTAssertFalse(matchers.matches(alert: "Hot", device: "gh-01", labels: ["team": "growers"]), "a missing label is no match")
        XCTAssertFalse(matchers.matches(alert: "Cold", device: "gh-01", labels: ["site": "north", "team": "g"]))
        XCTAssertFalse(matchers.matches(alert: "Hot", device: "pm-01", labels: ["site": "north", "team": "g"]))
    }

    func testInForceFromItsCreationToItsEndOrExpiry() throws {
        var silence = try silence(alert: "*", from: 1000, to: 5000, createdAt: 2000)
        XCTAssertFalse(silence.isInForce(at: 1500), "never before it was created")
        XCTAssertTrue(silence.isInForce(at: 2000))
        XCTAssertFalse(silence.isInForce(at: 5000), "the end is exclusive")
        silence.expiredAt = 3000
        XCTAssertTrue(silence.isInForce(at: 2999))
        XCTAssertFalse(silence.isInForce(at: 3000))
        XCTAssertEqual(silence.state(at: 1999), .pending)
        XCTAssertEqual(silence.state(at: 3000), .expired)
    }

    func testTheEngineMarksARaiseAndItsClearWithTheSilenceInForce() throws {
        var engine = RuleEngine(rules: try ruleSet(hot), idGenerator: UUIDv7Generator(seed: 1))
        engine.silences = Silences([try silence(device: "gh-*", where: "team == \"growers\"", from: 2 * minute, to: 4 * minute)])
        // Raised at 1m (before the silence), cleared at 2m: neither marked.
        var events = engine.feed(gh01, "temperature", [25, 31, 27])
        XCTAssertEqual(events.map(\.silenced), [nil, nil])
        // Raised at 3m (in force): marked; its clear at 5m (silence over) carries the raise's mark.
        events = engine.feed(gh01, "temperature", [32, 33, 27], start: 3 * minute)
        XCTAssertEqual(summary(events), ["AlertRaised Hot gh-01 at 3m value 32", "AlertCleared Hot gh-01 at 5m value 27"])
        XCTAssertEqual(events.map(\.silenced), ["s1", "s1"])
        XCTAssertTrue(events[0].json.hasSuffix(",\"silenced\":\"s1\"}"), events[0].json)
        XCTAssertEqual(try AlertEvent(json: events[1].json), events[1])
    }

    func testOperatorEventsRoundTripThroughTheirJSON() throws {
        let created = OperatorEvent.silenceCreated(SilenceCreated(silence: Silence(
            id: "s1", matchers: try SilenceMatchers(alert: "Hot", device: nil, where: "site == \"a\""), startsAt: 1000,
            endsAt: 3_600_000, createdBy: "ana", comment: "pump \"7\" swap", createdAt: 900)))
        let acknowledged = OperatorEvent.acknowledged(AlertAcknowledged(id: "a1", raisedId: "r1", alert: "Hot", device: "gh-01",
                                                                        by: "bo", comment: "", at: 5))
        let expired = OperatorEvent.silenceExpired(SilenceExpired(id: "e1", silenceId: "s1", by: "ana", at: 2000))
        for event in [created, acknowledged, expired] {
            XCTAssertEqual(try OperatorEvent(json: event.json), event)
        }
        XCTAssertEqual(created.json, """
            {"type":"SilenceCreated","schema":1,"id":"s1","matchers":{"alert":"Hot","where":"site == \\"a\\""},\
            "startsAt":"1970-01-01T00:00:01Z","endsAt":"1970-01-01T01:00:00Z","createdBy":"ana","comment":"pump \\"7\\" swap",\
            "at":"1970-01-01T00:00:00.900Z"}
            """)
        var silences = Silences()
        silences.apply(created)
        silences.apply(expired)
        XCTAssertEqual(silences.silence(id: "s1")?.expiredAt, 2000)
        XCTAssertNil(silences.silence(alert: "Hot", device: "x", labels: ["site": "a"], at: 2000))
        XCTAssertEqual(silences.silence(alert: "Hot", device: "x", labels: ["site": "a"], at: 1999)?.id, "s1")
    }
}

extension AlertEvent {
    var silenced: String? {
        switch self {
        case .raised(let event): event.silenced
        case .cleared(let event): event.silenced
        }
    }
}
