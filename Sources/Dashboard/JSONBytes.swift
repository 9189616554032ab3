import Storage
import Telemetry

/// A JSON text built byte by byte: for the large answers (the fleet overview) where a Codable
/// round trip through Foundation's encoder would cost more than the queries behind them.
struct JSONBytes {
    private(set) var bytes: [UInt8] = []

    init(capacity: Int = 1024) {
        bytes.reserveCapacity(capacity)
    }

    mutating func raw(_ text: StaticString) {
        text.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    mutating func append(_ text: String) {
        bytes.append(contentsOf: text.utf8)
    }

    mutating func byte(_ character: Unicode.Scalar) {
        bytes.append(UInt8(ascii: character))
    }

    mutating func string(_ text: String) {
        JSONWriter.appendString(text, to: &bytes)
    }

    mutating func string(_ text: String?) {
        if let text { string(text) } else { raw("null") }
    }

    /// A number; `null` for values JSON cannot carry (NaN, infinities). Integral values print
    /// without a fraction.
    mutating func number(_ value: Double?) {
        guard let value, value.isFinite else {
            raw("null")
            return
        }
        if value == value.rounded(), Swift.abs(value) < 1e15 {
            integer(Int64(value))
            return
        }
        // Readings mostly have a few decimals: print those exactly without the general algorithm.
        // `Double(units) / scale == value` means the decimal text reads back as the same Double.
        var scale = 10.0
        for digits in 1...3 {
            let scaled = (value * scale).rounded()
            if Swift.abs(scaled) < 1e15, scaled / scale == value {
                let units = Int64(scaled)
                if units < 0 { byte("-") }
                let magnitude = units.magnitude
                let divisor = UInt64(scale)
                integer(Int64(magnitude / divisor))
                byte(".")
                var fraction = magnitude % divisor
                var width = digits
                while fraction % 10 == 0, width > 1 {
                    fraction /= 10
                    width -= 1
                }
                padded(fraction, width: width)
                return
            }
            scale *= 10
        }
        append(value.description)
    }

    private mutating func integer(_ value: Int64) {
        if value < 0 { byte("-") }
        var digits = 1
        var rest = value.magnitude / 10
        while rest > 0 {
            digits += 1
            rest /= 10
        }
        padded(value.magnitude, width: digits)
    }

    private mutating func padded(_ value: UInt64, width: Int) {
        bytes.append(contentsOf: repeatElement(UInt8(ascii: "0"), count: width))
        bytes.withUnsafeMutableBufferPointer { buffer in
            var rest = value
            var index = buffer.count - 1
            for _ in 0..<width {
                buffer[index] = UInt8(ascii: "0") + UInt8(truncatingIfNeeded: rest % 10)
                rest /= 10
                index -= 1
            }
        }
    }

    mutating func integer(_ value: Int) {
        integer(Int64(value))
    }

    /// A chart point `{"t","min","max","avg"}`, with `"count"` when asked (`/api/series`). A start
    /// on `grid` is copied from it: sparklines of thousands of series share their bucket times.
    mutating func bucket(_ bucket: RollupBucket, count: Bool, grid: BucketTimeGrid? = nil) {
        raw(#"{"t":"#)
        if grid?.append(bucket.start, to: &bytes) != true { time(bucket.start) }
        raw(#","min":"#)
        number(bucket.min)
        raw(#","max":"#)
        number(bucket.max)
        raw(#","avg":"#)
        number(bucket.avg)
        if count {
            raw(#","count":"#)
            integer(bucket.count)
        }
        byte("}")
    }

    /// A time as an ISO 8601 UTC string with milliseconds; `null` when absent.
    mutating func time(_ milliseconds: Int64?) {
        guard let milliseconds else {
            raw("null")
            return
        }
        byte("\"")
        ISO8601Timestamp.append(milliseconds, to: &bytes)
        byte("\"")
    }

    /// `{"k":"v",...}` with keys sorted, so answers are stable.
    mutating func object(_ dictionary: [String: String]) {
        byte("{")
        for (index, key) in dictionary.keys.sorted().enumerated() {
            if index > 0 { byte(",") }
            string(key)
            byte(":")
            string(dictionary[key] ?? "")
        }
        byte("}")
    }

    /// A JSON array of already-encoded JSON texts (stored alert events).
    mutating func array(ofEncoded elements: [String]) {
        byte("[")
        for (index, element) in elements.enumerated() {
            if index > 0 { byte(",") }
            append(element)
        }
        byte("]")
    }
}
