import Telemetry

/// Builds a JSON object field by field, in the order the fields are added: alert events keep a
/// fixed field order (type, schema, id, ...), which a dictionary would not.
struct JSONObjectBuilder {
    private var bytes: [UInt8] = [UInt8(ascii: "{")]
    private var first = true

    mutating func key(_ name: String) {
        if !first { bytes.append(UInt8(ascii: ",")) }
        first = false
        JSONWriter.appendString(name, to: &bytes)
        bytes.append(UInt8(ascii: ":"))
    }

    mutating func field(_ name: String, _ value: String) {
        key(name)
        JSONWriter.appendString(value, to: &bytes)
    }

    /// A field whose value is JSON text already (a number, `null`, a nested object).
    mutating func field(_ name: String, raw: String) {
        key(name)
        bytes.append(contentsOf: raw.utf8)
    }

    mutating func field(_ name: String, number: Double?) {
        key(name)
        if let number { JSONWriter.appendNumber(number, to: &bytes) } else { bytes.append(contentsOf: "null".utf8) }
    }

    mutating func field(_ name: String, object: [String: String]) {
        key(name)
        JSONWriter.appendObject(object, to: &bytes)
    }

    var finished: String { String(decoding: bytes + [UInt8(ascii: "}")], as: UTF8.self) }
}
