/// Reads event times as sensors write them: epoch seconds, milliseconds, microseconds or
/// nanoseconds (told apart by magnitude), or ISO 8601 / RFC 3339 text. Parsed by hand on bytes:
/// this runs for every message.
public enum TimestampParser {
    /// Latest accepted time, 9999-12-31T23:59:59.999Z; beyond it a value is surely not a time.
    static let maximum: Int64 = 253_402_300_799_999
    /// The times ISO 8601 text can name, 0000-01-01T00:00:00Z to 9999-12-31T23:59:59.999Z: the
    /// bounds of every time given on a command line or in a query, within which arithmetic on
    /// times and ranges cannot overflow.
    public static let calendarRange: ClosedRange<Int64> = -62_167_219_200_000...maximum

    /// Epoch milliseconds of a numeric timestamp: below 1e11 seconds, below 1e14 milliseconds,
    /// below 1e17 microseconds, else nanoseconds. Nil when not finite or out of range.
    public static func milliseconds(epoch value: Double) -> Int64? {
        guard value.isFinite else { return nil }
        let magnitude = abs(value)
        let milliseconds: Double
        if magnitude < 1e11 {
            milliseconds = value * 1_000
        } else if magnitude < 1e14 {
            milliseconds = value
        } else if magnitude < 1e17 {
            milliseconds = value / 1_000
        } else {
            milliseconds = value / 1_000_000
        }
        guard abs(milliseconds) <= Double(maximum) else { return nil }
        return Int64(milliseconds.rounded())
    }

    /// Epoch milliseconds of ISO 8601 text (`2026-11-23T10:15:00Z`, `...00.123+01:00`), or of a
    /// numeric string read as by `milliseconds(epoch:)`.
    public static func milliseconds(text: String) -> Int64? {
        var text = text
        return text.withUTF8 { milliseconds(text: $0, from: 0, to: $0.count) }
    }

    static func milliseconds(text bytes: UnsafeBufferPointer<UInt8>, from start: Int, to end: Int) -> Int64? {
        var start = start
        var end = end
        while start < end && bytes[start] == UInt8(ascii: " ") { start += 1 }
        while end > start && bytes[end - 1] == UInt8(ascii: " ") { end -= 1 }
        guard start < end else { return nil }
        if end - start >= 10, bytes[start + 4] == UInt8(ascii: "-") {
            return iso8601(bytes, from: start, to: end)
        }
        let slice = UnsafeBufferPointer(rebasing: bytes[start..<end])
        guard case .number(let stop, let value) = NumberParser.scan(slice, from: 0, convert: true), stop == slice.count else {
            return nil
        }
        return milliseconds(epoch: value)
    }

    /// `YYYY-MM-DD(T|t| )hh:mm[:ss[(.|,)fraction]][Z|z|±hh[:]mm]`; no zone means UTC.
    static func iso8601(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int, to end: Int) -> Int64? {
        var index = start

        func digits(_ count: Int) -> Int? {
            guard index + count <= end else { return nil }
            var value = 0
            for _ in 0..<count {
                let digit = bytes[index] &- UInt8(ascii: "0")
                guard digit < 10 else { return nil }
                value = value * 10 + Int(digit)
                index += 1
            }
            return value
        }
        func take(_ byte: UInt8) -> Bool {
            guard index < end, bytes[index] == byte else { return false }
            index += 1
            return true
        }

        guard let year = digits(4), take(UInt8(ascii: "-")), let month = digits(2), take(UInt8(ascii: "-")),
              let day = digits(2), (1...12).contains(month), day >= 1, day <= daysIn(month: month, year: year)
        else { return nil }
        guard take(UInt8(ascii: "T")) || take(UInt8(ascii: "t")) || take(UInt8(ascii: " ")),
              let hour = digits(2), take(UInt8(ascii: ":")), let minute = digits(2), hour < 24, minute < 60
        else { return nil }
        var second = 0
        var milliseconds = 0
        if take(UInt8(ascii: ":")) {
            guard let value = digits(2), value <= 60 else { return nil }
            second = value
            if take(UInt8(ascii: ".")) || take(UInt8(ascii: ",")) {
                let fractionStart = index
                var scale = 100
                while index < end, bytes[index] &- UInt8(ascii: "0") < 10 {
                    milliseconds += Int(bytes[index] - UInt8(ascii: "0")) * scale
                    scale /= 10
                    index += 1
                }
                guard index > fractionStart else { return nil }
            }
        }
        var offsetMinutes = 0
        if take(UInt8(ascii: "Z")) || take(UInt8(ascii: "z")) {
            // UTC
        } else if index < end, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") {
            let sign = bytes[index] == UInt8(ascii: "-") ? -1 : 1
            index += 1
            guard let hours = digits(2), hours < 24 else { return nil }
            _ = take(UInt8(ascii: ":"))
            guard let minutes = digits(2), minutes < 60 else { return nil }
            offsetMinutes = sign * (hours * 60 + minutes)
        }
        guard index == end else { return nil }

        let days = daysFromCivil(year: year, month: month, day: day)
        let seconds = ((days * 24 + hour) * 60 + minute - offsetMinutes) * 60 + second
        return Int64(seconds) * 1_000 + Int64(milliseconds)
    }

    private static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
    static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// `2026-11-23T10:15:00Z`, or with `.123` when the time has milliseconds.
    public static func iso8601(milliseconds: Int64) -> String {
        ISO8601Timestamp.string(milliseconds, fraction: .whenNonZero)
    }
}
