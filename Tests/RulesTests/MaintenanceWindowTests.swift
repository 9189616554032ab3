import Foundation
import Telemetry
import XCTest
@testable import Rules

/// Maintenance windows: the file format and its diagnostics, recurring windows across daylight
/// saving changes (against a brute-force reference), and the raises the engine marks.
final class MaintenanceWindowTests: XCTestCase {
    private func time(_ text: String) throws -> Int64 {
        try XCTUnwrap(TimestampParser.milliseconds(text: text), text)
    }

    private func windows(_ yaml: String) throws -> [MaintenanceWindow] {
        try ruleSet(yaml, file: "maintenance.yaml").maintenance.windows
    }

    func testAFileMayHoldOnlyMaintenanceWindows() throws {
        let windows = try windows("""
            maintenance:
              - name: sunday-reboots
                device: "gh-*"
                every: sundays
                from: "02:00"
                to: "04:00"
                timezone: Europe/Berlin
                comment: firmware reboots
              - name: north-repair
                alert: Hot
                where: site == "north"
                from: 2026-12-10T08:00
                to: 2026-12-10T12:00:00+01:00
                timezone: Europe/Berlin
            """)
        XCTAssertEqual(windows.map(\.name), ["sunday-reboots", "north-repair"])
        XCTAssertEqual(windows[0].mark, "maintenance:sunday-reboots")
        XCTAssertEqual(windows[0].line, 2)
        XCTAssertEqual(windows[1].schedule, .once(from: try time("2026-12-10T07:00:00Z"), until: try time("2026-12-10T11:00:00Z")),
                       "a time without a zone is local to timezone:")
    }

    func testEveryMistakeIsReportedAtItsPosition() {
        let found = diagnostics("""
            maintenance:
              - name: bad name
                device: "gh-*"
                every: [sunday, funday]
                from: "2:00"
                to: "25:00"
                timezone: Europe/Berlln
                colour: red
              - name: no-matchers
                from: 2026-12-10T08:00Z
                to: 2026-12-10T07:00Z
              - name: empty
                alert: "*"
                every: day
                from: "03:00"
                to: "03:00"
              - name: nowhere
                where: site ==
                from: yesterday
            """, file: "maintenance.yaml")
        let expected = [
            "2:11 a window name may only use letters",
            "4:21 unknown day 'funday'",
            "5:11 expected a time of day HH:MM",
            "6:9 expected a time of day HH:MM",
            "7:15 unknown time zone 'Europe/Berlln'",
            "8:5 unknown key 'colour'",
            "9:5 a maintenance window needs at least one matcher",
            "11:9 'to' must be after 'from'",
            "16:9 'to' equals 'from'",
            "17:5 maintenance window 'nowhere' is missing 'to:'",
            "18:19 ",
            "19:11 'from' must be a date and time",
        ]
        assertDiagnostics(found, startWith: expected)
        XCTAssertEqual(found.first { $0.line == 7 }?.suggestion, "Europe/Berlin")
        XCTAssertTrue(found.first { $0.line == 4 }?.description.contains("maintenance.yaml:4:21") ?? false)
    }

    func testWindowNamesAreUniqueAcrossFiles() {
        let window = "maintenance:\n  - name: w\n    alert: \"*\"\n    from: 2026-01-01T00:00Z\n    to: 2026-01-02T00:00Z\n"
        XCTAssertThrowsError(try RuleSet.parse(files: [("a.yaml", window), ("b.yaml", window)], schema: fleetSchema)) { error in
            XCTAssertEqual((error as? RuleError)?.diagnostics.map(\.message), ["maintenance window 'w' is already defined at a.yaml:2"])
        }
    }

    func testASundayWindowFollowsTheWallClockAcrossDaylightSavingChanges() throws {
        let windows = try windows("""
            maintenance:
              - {name: w, alert: "*", every: sunday, from: "02:00", to: "04:00", timezone: Europe/Berlin}
            """)
        let window = windows[0]
        // Winter: 02:00-04:00 CET is 01:00-03:00 UTC.
        XCTAssertEqual(window.period(atOrAfter: try time("2027-01-04T00:00:00Z")), try time("2027-01-10T01:00:00Z")..<time("2027-01-10T03:00:00Z"))
        // Clocks go forward at 02:00 on 28 March 2027: the window starts when they jump and lasts one hour.
        XCTAssertEqual(window.period(atOrAfter: try time("2027-03-27T00:00:00Z")), try time("2027-03-28T01:00:00Z")..<time("2027-03-28T02:00:00Z"))
        // Summer: 02:00-04:00 CEST is 00:00-02:00 UTC.
        XCTAssertEqual(window.period(atOrAfter: try time("2027-06-01T00:00:00Z")), try time("2027-06-06T00:00:00Z")..<time("2027-06-06T02:00:00Z"))
        // Clocks go back at 03:00 on 31 October 2027: from the first 02:00 to 04:00 CET, three hours.
        XCTAssertEqual(window.period(atOrAfter: try time("2027-10-30T00:00:00Z")), try time("2027-10-31T00:00:00Z")..<time("2027-10-31T03:00:00Z"))
        XCTAssertTrue(window.isInForce(at: try time("2027-10-31T02:59:59.999Z")))
        XCTAssertFalse(window.isInForce(at: try time("2027-10-31T03:00:00Z")))
    }

    /// Every quarter hour of a year (and the millisecond before it) in three zones, against a
    /// reference that knows nothing of offsets: each occurrence starts at the first quarter hour
    /// whose local date and time (Foundation's calendar) is not earlier than the window's start on
    /// that date, and ends likewise. Transitions and window bounds fall on quarter hours.
    func testRecurringWindowsAgreeWithAWallClockReferenceThroughAYear() throws {
        let zones = ["Europe/Berlin", "America/New_York", "Australia/Lord_Howe"]
        let specs: [(every: String, from: String, to: String)] = [("sunday", "02:00", "04:00"), ("weekday", "22:30", "02:15"),
                                                                  ("day", "01:45", "03:00"), ("saturday", "00:00", "24:00")]
        let start = try time("2027-01-01T00:00:00Z"), end = try time("2028-01-01T00:00:00Z")
        let quarter = 15 * minute
        for zoneName in zones {
            let zone = try XCTUnwrap(TimeZone(identifier: zoneName))
            var calendar = Calendar(identifier: .gregorian)
            calendar.timeZone = zone
            func local(_ ms: Int64) -> [Int] {
                let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute], from: Date(timeIntervalSince1970: Double(ms) / 1000))
                return [parts.year, parts.month, parts.day, parts.hour, parts.minute].map { $0 ?? 0 }
            }
            for spec in specs {
                let window = try windows("""
                    maintenance:
                      - {name: w, alert: "*", every: \(spec.every), from: "\(spec.from)", to: "\(spec.to)", timezone: \(zoneName)}
                    """)[0]
                guard case .weekly(let weekly) = window.schedule else { return XCTFail("not weekly") }
                // The reference's occurrences, for local dates from a few days before the year.
                var occurrences: [Range<Int64>] = []
                var day = start / 86_400_000 - 3
                while day * 86_400_000 < end + 86_400_000 {
                    let weekday = Int(((day + 3) % 7 + 7) % 7)
                    if weekly.days & (1 << UInt8(weekday)) != 0 {
                        func first(onDay d: Int64, minute m: Int64) -> Int64 {
                            let civil = Calendar(identifier: .gregorian).dateComponents(in: TimeZone(identifier: "UTC")!, from: Date(timeIntervalSince1970: Double(d * 86_400)))
                            let target = [civil.year ?? 0, civil.month ?? 0, civil.day ?? 0, Int(m / 60), Int(m % 60)]
                            // Start two hours before the guess the zone's offset gives (only a starting
                            // point: it must show an earlier local time), then walk quarter hours.
                            let guess = (d * 86_400 + m * 60) - Int64(zone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(d * 86_400 + m * 60))))
                            var t = (guess - 7200) * 1000
                            XCTAssertTrue(local(t).lexicographicallyPrecedes(target))
                            while local(t).lexicographicallyPrecedes(target) { t += quarter }
                            return t
                        }
                        let from = first(onDay: day, minute: weekly.start)
                        let until = weekly.end == 1440 ? first(onDay: day + 1, minute: 0)
                            : first(onDay: weekly.end > weekly.start ? day : day + 1, minute: weekly.end)
                        occurrences.append(from..<until)
                    }
                    day += 1
                }
                var mismatches = 0
                var t = start
                var next = 0 // the first occurrence that has not ended by t - 1
                while t < end {
                    while next < occurrences.count, occurrences[next].upperBound <= t - 1 { next += 1 }
                    let nearby = occurrences[next..<min(next + 2, occurrences.count)]
                    for probe in [t, t - 1] where window.isInForce(at: probe) != nearby.contains(where: { $0.contains(probe) }) {
                        mismatches += 1
                        if mismatches < 4 { XCTFail("\(zoneName) \(spec) at \(ISO8601Timestamp.string(probe))") }
                    }
                    t += quarter
                }
                XCTAssertEqual(mismatches, 0, "\(zoneName) \(spec)")
            }
        }
    }

    func testTheEngineMarksRaisesInAWindowAndReloadTakesNewWindows() throws {
        let rules = """
            rules:
              - alert: Hot
                devices: climate-sensor
                when: temperature > 30
                clear: temperature < 28
            maintenance:
              - name: repair
                device: "gh-*"
                from: 1970-01-01T00:02:00Z
                to: 1970-01-01T00:04:00Z
            """
        var engine = RuleEngine(rules: try ruleSet(rules), idGenerator: UUIDv7Generator(seed: 1))
        var events = engine.feed(gh01, "temperature", [25, 31, 27])
        XCTAssertEqual(events.map(\.silenced), [nil, nil], "raised at 1m, before the window")
        events = engine.feed(gh01, "temperature", [32, 33, 27], start: 3 * minute)
        XCTAssertEqual(events.map(\.silenced), ["maintenance:repair", "maintenance:repair"], "raised at 3m, cleared after it: both marked")
        XCTAssertTrue(events[0].json.hasSuffix(",\"silenced\":\"maintenance:repair\"}"), events[0].json)

        let moved = rules.replacingOccurrences(of: "00:02:00Z", with: "00:07:00Z").replacingOccurrences(of: "00:04:00Z", with: "00:09:00Z")
        _ = engine.reload(try ruleSet(moved))
        events = engine.feed(gh01, "temperature", [31, 27, 31], start: 6 * minute)
        XCTAssertEqual(summary(events).count, 3)
        XCTAssertEqual(events.map(\.silenced), [nil, nil, "maintenance:repair"])
    }
}
