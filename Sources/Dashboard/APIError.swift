import Hummingbird

/// A request the API refuses: a bad parameter (400) or an unknown device or metric (404); or
/// one it cannot answer: a storage error (500), the server stopping (503).
/// Rendered as `{"error": "...", "parameter": "..."}` by Hummingbird when a handler throws it.
struct APIError: HTTPResponseError, CustomStringConvertible, Equatable {
    enum Kind: Equatable {
        case badParameter
        case notFound
        case internalError
        case unavailable
    }

    var kind: Kind
    var parameter: String?
    var message: String

    static func badParameter(_ parameter: String, _ message: String) -> APIError {
        APIError(kind: .badParameter, parameter: parameter, message: message)
    }

    static func notFound(_ parameter: String, _ message: String) -> APIError {
        APIError(kind: .notFound, parameter: parameter, message: message)
    }

    var description: String {
        parameter.map { "\($0): \(message)" } ?? message
    }

    var status: HTTPResponse.Status {
        switch kind {
        case .badParameter: .badRequest
        case .notFound: .notFound
        case .internalError: .internalServerError
        case .unavailable: .serviceUnavailable
        }
    }

    func response(from request: Request, context: some RequestContext) throws -> Response {
        JSONResponse.error(self)
    }
}
