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

    /// A number; `null` for values JSON cannot carry (NaN, infinities) or when absent.
    mutating func number(_ value: Double?) {
        guard let value else {
            raw("null")
            return
        }
        JSONWriter.appendNumber(value, to: &bytes)
    }

    mutating func integer(_ value: Int) {
        JSONWriter.appendInteger(Int64(value), to: &bytes)
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
        JSONWriter.appendObject(dictionary, to: &bytes)
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
