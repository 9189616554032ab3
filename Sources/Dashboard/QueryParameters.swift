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

    /// A time as ``Telemetry/TimeReference`` reads it (as the command line takes them).
    func time(_ name: String, now: @autoclosure () -> Int64) throws(APIError) -> Int64? {
        guard let text = string(name) else { return nil }
        switch TimeReference.milliseconds(text, now: now) {
        case .success(let time): return time
        case .failure(let failure): throw .badParameter(name, "'\(Self.excerpt(text))': \(failure)")
        }
    }

    /// A parameter's text as quoted back in an error: at most 64 characters.
    static func excerpt(_ text: String) -> String {
        text.count > 64 ? text.prefix(64) + "…" : text
    }

    /// `order=asc` (default, oldest first) or `order=desc` (newest first) of a list endpoint.
    func newestFirst() throws(APIError) -> Bool {
        switch string("order") {
        case nil, "asc": return false
        case "desc": return true
        case let other?: throw .badParameter("order", "'\(Self.excerpt(other))' is not asc or desc")
        }
    }

    /// `true` or `false` (absent: false).
    func flag(_ name: String) throws(APIError) -> Bool {
        switch string(name) {
        case nil, "false": return false
        case "true": return true
        case let other?: throw .badParameter(name, "'\(Self.excerpt(other))' is not true or false")
        }
    }

    /// An integer in `range`.
    func integer(_ name: String, in range: ClosedRange<Int>) throws(APIError) -> Int? {
        guard let text = string(name) else { return nil }
        guard text.utf8.count <= 20, let value = Int(text), range.contains(value) else {
            throw .badParameter(name, "'\(Self.excerpt(text))' is not an integer in \(range.lowerBound)...\(range.upperBound)")
        }
        return value
    }
}
