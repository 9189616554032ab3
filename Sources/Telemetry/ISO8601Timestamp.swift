/// Formats epoch milliseconds as ISO 8601 UTC (`2026-11-23T10:15:00.000Z`) by arithmetic on the
/// proleptic Gregorian calendar: no formatter, no allocation beyond the output. The one formatter
/// every module uses (exports, alert events, command output).
public enum ISO8601Timestamp {
    /// When the fractional seconds are written.
    public enum Fraction: Sendable {
        /// Always `.SSS` (exports: fixed width, sorts as text).
        case always
        /// Only when the time has milliseconds (`2026-11-23T10:15:00Z`, as in events).
        case whenNonZero
    }

    public static func append(_ milliseconds: Int64, to output: inout [UInt8], fraction: Fraction = .always) {
        let msPerDay: Int64 = 86_400_000
        var days = milliseconds / msPerDay
        var msOfDay = milliseconds % msPerDay
        if msOfDay < 0 {
            msOfDay += msPerDay
            days -= 1
        }
        let (year, month, day) = civil(fromDays: days)
        if year < 0 { output.append(UInt8(ascii: "-")) }
        appendPadded(year.magnitude, width: 4, to: &output)
        output.append(UInt8(ascii: "-"))
        appendPadded(UInt64(month), width: 2, to: &output)
        output.append(UInt8(ascii: "-"))
        appendPadded(UInt64(day), width: 2, to: &output)
        output.append(UInt8(ascii: "T"))
        appendPadded(UInt64(msOfDay / 3_600_000), width: 2, to: &output)
        output.append(UInt8(ascii: ":"))
        appendPadded(UInt64(msOfDay / 60_000 % 60), width: 2, to: &output)
        output.append(UInt8(ascii: ":"))
        appendPadded(UInt64(msOfDay / 1000 % 60), width: 2, to: &output)
        if fraction == .always || msOfDay % 1000 != 0 {
            output.append(UInt8(ascii: "."))
            appendPadded(UInt64(msOfDay % 1000), width: 3, to: &output)
        }
        output.append(UInt8(ascii: "Z"))
    }

    public static func string(_ milliseconds: Int64, fraction: Fraction = .always) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(24)
        append(milliseconds, to: &bytes, fraction: fraction)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Howard Hinnant's `civil_from_days`: days since 1970-01-01 to (year, month, day).
    private static func civil(fromDays days: Int64) -> (year: Int64, month: Int64, day: Int64) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        return (year, month, day)
    }

    private static func appendPadded(_ value: UInt64, width: Int, to output: inout [UInt8]) {
        var digits = 1
        var limit: UInt64 = 10
        while value >= limit, digits < 20 {
            digits += 1
            if limit > UInt64.max / 10 { break }
            limit *= 10
        }
        for _ in digits..<max(digits, width) { output.append(UInt8(ascii: "0")) }
        var divisor: UInt64 = 1
        for _ in 1..<digits { divisor *= 10 }
        var rest = value
        while divisor > 0 {
            output.append(UInt8(ascii: "0") + UInt8(rest / divisor))
            rest %= divisor
            divisor /= 10
        }
    }
}
