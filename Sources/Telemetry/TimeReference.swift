/// Times as operators type them on the command line and in API queries: ISO 8601
/// (`2026-11-23T10:00:00Z`), integer epoch milliseconds, `now`, or relative to now (`-24h`).
///
/// Every accepted time lies in ``TimestampParser/calendarRange`` (years 0000 to 9999), so callers
/// can add and subtract ranges of such times without overflow.
public enum TimeReference {
    public enum Failure: Error, Sendable, Equatable, CustomStringConvertible {
        /// Not in any of the accepted notations.
        case notATime
        /// A time, but outside the years 0000 to 9999.
        case outOfRange

        public var description: String {
            switch self {
            case .notATime: "expected ISO 8601 (2026-11-23T10:00:00Z), epoch milliseconds, now, or relative such as -24h"
            case .outOfRange: "outside the years 0000 to 9999"
            }
        }
    }

    /// Milliseconds since the epoch of `text`; `now` is asked only for `now` and relative times.
    public static func milliseconds(_ text: String, now: () -> Int64) -> Result<Int64, Failure> {
        let time: Int64?
        if let milliseconds = integer(text) {
            time = milliseconds
        } else if text == "now" {
            time = now()
        } else if text.hasPrefix("-"), let ago = DurationParser.milliseconds(String(text.dropFirst())) {
            let (earlier, overflow) = now().subtractingReportingOverflow(ago)
            time = overflow ? nil : earlier
        } else if looksLikeDate(text), let milliseconds = TimestampParser.milliseconds(text: text) {
            time = milliseconds
        } else {
            return .failure(.notATime)
        }
        guard let time, TimestampParser.calendarRange.contains(time) else { return .failure(.outOfRange) }
        return .success(time)
    }

    /// `YYYY-...`: ISO 8601 text, not a number `TimestampParser` would read as epoch seconds.
    private static func looksLikeDate(_ text: String) -> Bool {
        var bytes = text.utf8.makeIterator()
        for _ in 0..<4 {
            guard let byte = bytes.next(), byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return false }
        }
        return bytes.next() == UInt8(ascii: "-")
    }

    /// An optional `-` and decimal digits only, as Int64; nil on anything else or overflow.
    private static func integer(_ text: String) -> Int64? {
        let digits = text.utf8.first == UInt8(ascii: "-") ? text.utf8.dropFirst() : text.utf8[...]
        guard !digits.isEmpty, digits.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) else { return nil }
        return Int64(text)
    }
}
