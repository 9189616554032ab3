/// A window that recurs on chosen weekdays between two wall-clock times in a time zone
/// ("Sundays 02:00-04:00 Europe/Berlin"). A window whose end is not after its start runs past
/// midnight into the next day (`22:00-02:00`); `24:00` ends at the next midnight.
public struct WeeklySchedule: Sendable, Hashable {
    /// Bit `d` set: the window starts on weekday `d` (Monday = 0).
    public let days: UInt8
    /// Minutes after local midnight, 0..<1440 and 1...1440.
    public let start: Int64
    public let end: Int64
    let time: LocalTime

    /// The time zone's identifier (`Europe/Berlin`).
    public var timeZone: String { time.zone.identifier }

    static let dayNames = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]

    /// Whether an occurrence is in force at `milliseconds`: started on the local day of that
    /// instant or the day before (an overnight one) and not yet ended.
    func contains(_ milliseconds: Int64) -> Bool {
        let today = time.localDay(at: milliseconds)
        for day in [today - 1, today] where days & (1 << UInt8(LocalTime.weekday(ofDay: day))) != 0 {
            let from = time.instant(day: day, minute: start)
            let until = end > start ? time.instant(day: day, minute: end) : time.instant(day: day + 1, minute: end)
            if from <= milliseconds && milliseconds < until { return true }
        }
        return false
    }

    /// The occurrence in force at `milliseconds`, or the next one to start: for operators who ask
    /// when a window applies. Looks up to eight days ahead (every schedule recurs within a week).
    func occurrence(atOrAfter milliseconds: Int64) -> Range<Int64>? {
        let today = time.localDay(at: milliseconds)
        for day in (today - 1)...(today + 8) where days & (1 << UInt8(LocalTime.weekday(ofDay: day))) != 0 {
            let from = time.instant(day: day, minute: start)
            let until = end > start ? time.instant(day: day, minute: end) : time.instant(day: day + 1, minute: end)
            if milliseconds < until, from < until { return from..<until }
        }
        return nil
    }
}
