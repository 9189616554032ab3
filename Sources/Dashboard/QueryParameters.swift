import Hummingbird
import Telemetry

/// Typed access to a request's query parameters, failing with an ``APIError`` naming the
/// parameter and why it was refused.
struct QueryParameters {
    private let parameters: [Substring: Substring]

    init(_ request: Request) {
        var parameters: [Substring: Substring] = [:]
        for (name, value) in request.uri.queryParameters where parameters[name] == nil {
            parameters[name] = value
        }
        self.parameters = parameters
    }

    /// The parameter's text; nil when absent. Present but empty counts as absent.
    func string(_ name: String) -> String? {
        guard let value = parameters[Substring(name)], !value.isEmpty else { return nil }
        return String(value)
    }

    func requiredString(_ name: String) throws(APIError) -> String {
        guard let value = string(name) else { throw .badParameter(name, "is required") }
        return value
    }

    /// A time as ISO 8601 text, integer epoch milliseconds, `now`, or relative to now (`-24h`), as
    /// the command line takes them.
    func time(_ name: String, now: @autoclosure () -> Int64) throws(APIError) -> Int64? {
        guard let text = string(name) else { return nil }
        if let milliseconds = Self.integer(text) { return milliseconds }
        if text == "now" { return now() }
        if text.hasPrefix("-"), let ago = DurationParser.milliseconds(String(text.dropFirst())) {
            return now() - ago
        }
        guard text.contains("T"), let milliseconds = TimestampParser.milliseconds(text: text) else {
            throw .badParameter(name, "'\(text)' is not an ISO 8601 time, epoch milliseconds, now, or relative such as -24h")
        }
        return milliseconds
    }

    /// `order=asc` (default, oldest first) or `order=desc` (newest first) of a list endpoint.
    func newestFirst() throws(APIError) -> Bool {
        switch string("order") {
        case nil, "asc": return false
        case "desc": return true
        case let other?: throw .badParameter("order", "'\(other)' is not asc or desc")
        }
    }

    /// An integer in `range`.
    func integer(_ name: String, in range: ClosedRange<Int>) throws(APIError) -> Int? {
        guard let text = string(name) else { return nil }
        guard let value = Self.integer(text).flatMap({ Int(exactly: $0) }), range.contains(value) else {
            throw .badParameter(name, "'\(text)' is not an integer in \(range.lowerBound)...\(range.upperBound)")
        }
        return value
    }

    private static func integer(_ text: String) -> Int64? {
        let digits = text.utf8.first == UInt8(ascii: "-") ? text.utf8.dropFirst() : text.utf8[...]
        guard !digits.isEmpty, digits.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) else { return nil }
        return Int64(text)
    }
}
