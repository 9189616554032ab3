import Foundation

/// Wall-clock times in a time zone, as maintenance windows are written ("Sundays 02:00 in
/// Europe/Berlin"), turned into instants with the zone's daylight-saving rules.
///
/// A local time that occurs twice (the hour repeated when clocks go back) means its first
/// occurrence; one that does not occur (the hour skipped when clocks go forward) means the
/// moment the clocks jumped, the first instant whose local time is not earlier. So a window
/// "02:00-04:00" lasts one hour on the night clocks go forward and three on the night they go
/// back, as a wall clock shows it.
struct LocalTime: Sendable, Hashable {
    let zone: TimeZone

    /// Seconds east of UTC at an instant (seconds since the epoch).
    func offset(at seconds: Int64) -> Int64 {
        Int64(zone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(seconds))))
    }

    /// The days since 1970-01-01 of the local date at an instant (ms).
    func localDay(at milliseconds: Int64) -> Int64 {
        let seconds = Self.floorDivide(milliseconds, 1000)
        return Self.floorDivide(seconds + offset(at: seconds), 86_400)
    }

    /// The instant (ms) of local time `minute` (0...1440) on local day `day` (see type comment).
    func instant(day: Int64, minute: Int64) -> Int64 {
        instant(localSeconds: day * 86_400 + minute * 60)
    }

    /// The instant (ms) of a local time given as seconds since 1970-01-01 00:00 local.
    func instant(localSeconds local: Int64) -> Int64 {
        let before = offset(at: local - 86_400)
        let after = offset(at: local + 86_400)
        let valid = [local - before, local - after].filter { $0 + offset(at: $0) == local }
        if let first = valid.min() { return first * 1000 }
        // Skipped by a forward jump: the first instant after the jump, found by bisection between
        // the instants the two offsets give (one before the transition, one after it).
        var low = min(local - before, local - after)
        var high = max(local - before, local - after)
        let initial = offset(at: low)
        while high - low > 1 {
            let middle = low + (high - low) / 2
            if offset(at: middle) == initial { low = middle } else { high = middle }
        }
        return high * 1000
    }

    /// Monday = 0 ... Sunday = 6 (1970-01-01 was a Thursday).
    static func weekday(ofDay day: Int64) -> Int {
        Int((day + 3) - 7 * floorDivide(day + 3, 7))
    }

    static func floorDivide(_ a: Int64, _ b: Int64) -> Int64 {
        let quotient = a / b
        return (a % b != 0 && (a < 0) != (b < 0)) ? quotient - 1 : quotient
    }
}
