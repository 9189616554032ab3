import Foundation
import Hummingbird

/// Checks every request before a handler sees it: target and body size, credentials, and the
/// `Host` and `Origin` headers.
///
/// On a loopback listener any web page in the operator's browser can send requests to the
/// dashboard, and DNS rebinding can make such a page same-origin; so there only loopback host
/// names (and the allowed origin's host) are accepted in `Host`. Requests that change state (any
/// method but GET and HEAD) must come from the same origin or the allowed one. `/healthz` needs
/// no credentials, so probes and service managers can reach it.
struct RequestGuard<Context: RequestContext>: RouterMiddleware {
    let settings: HTTPServerSettings
    /// Only loopback names in `Host`: the listener is on loopback.
    let loopbackOnly: Bool
    private let allowedOriginHost: String?

    init(settings: HTTPServerSettings, loopbackOnly: Bool) {
        self.settings = settings
        self.loopbackOnly = loopbackOnly
        allowedOriginHost = settings.allowedOrigin.flatMap { URL(string: $0)?.host?.lowercased() }
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let target = request.head.path ?? ""
        guard target.utf8.count <= settings.maximumTargetBytes else {
            return refuse(.uriTooLong, "request target longer than \(settings.maximumTargetBytes) bytes")
        }
        if let length = request.headers[.contentLength], (Int(length) ?? .max) > settings.maximumBodyBytes {
            return refuse(.contentTooLarge, "request body larger than \(settings.maximumBodyBytes) bytes")
        }
        if loopbackOnly, !hostAllowed(request.head.authority) {
            return refuse(.misdirectedRequest, "host '\(QueryParameters.excerpt(request.head.authority ?? ""))' is not served here")
        }
        let origin = request.headers[.origin]
        let crossOriginAllowed = origin != nil && origin == settings.allowedOrigin
        if request.method != .get, request.method != .head {
            if request.method == .options, crossOriginAllowed {
                return Response(status: .noContent, headers: corsHeaders(preflight: true))
            }
            if let origin, !crossOriginAllowed, !sameOrigin(origin, authority: request.head.authority) {
                return refuse(.forbidden, "origin '\(QueryParameters.excerpt(origin))' may not change state here")
            }
        }
        if let authentication = settings.authentication, target != "/healthz", !target.hasPrefix("/healthz?"),
           !Self.authorized(request.headers[.authorization], by: authentication) {
            var response = refuse(.unauthorized, "credentials required")
            response.headers[.wwwAuthenticate] = authentication.basic != nil ? #"Basic realm="telemetry-bridge""# : "Bearer"
            return response
        }
        var response = try await next(request, context)
        if crossOriginAllowed {
            for field in corsHeaders(preflight: false) { response.headers[field.name] = field.value }
        }
        return response
    }

    private func refuse(_ status: HTTPResponse.Status, _ message: String) -> Response {
        JSONResponse.error(message, status: status)
    }

    private func corsHeaders(preflight: Bool) -> HTTPFields {
        var fields = HTTPFields()
        fields[.accessControlAllowOrigin] = settings.allowedOrigin
        fields[.vary] = "Origin"
        if preflight {
            fields[.accessControlAllowMethods] = "GET, POST, PUT, DELETE"
            fields[.accessControlAllowHeaders] = "Authorization, Content-Type"
            fields[.accessControlMaxAge] = "600"
        }
        return fields
    }

    /// `localhost`, `*.localhost`, `127.x.x.x`, `[::1]` (any port), or the allowed origin's host.
    private func hostAllowed(_ authority: String?) -> Bool {
        guard let host = authority.map(Self.hostName) else { return false }
        if host == "localhost" || host.hasSuffix(".localhost") || host == "::1" || host == allowedOriginHost { return true }
        let octets = host.split(separator: ".", omittingEmptySubsequences: false)
        return octets.count == 4 && octets[0] == "127" && octets.allSatisfy { UInt8($0) != nil }
    }

    private func sameOrigin(_ origin: String, authority: String?) -> Bool {
        guard let authority else { return false }
        return origin.lowercased() == "http://\(authority.lowercased())" || origin.lowercased() == "https://\(authority.lowercased())"
    }

    /// The host of `host[:port]` or `[v6]:port`, lower case, without brackets.
    static func hostName(_ authority: String) -> String {
        let lowered = authority.lowercased()
        if lowered.hasPrefix("["), let close = lowered.firstIndex(of: "]") {
            return String(lowered[lowered.index(after: lowered.startIndex)..<close])
        }
        return String(lowered.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false).first ?? "")
    }

    static func authorized(_ header: String?, by authentication: HTTPAuthentication) -> Bool {
        guard let header else { return false }
        // The scheme is case-insensitive (RFC 9110 §11.1).
        let scheme = header.prefix { $0 != " " }.lowercased()
        let credentials = header.drop { $0 != " " }.drop { $0 == " " }
        if let token = authentication.bearerToken, scheme == "bearer" {
            return constantTimeEqual(Array(credentials.utf8), Array(token.utf8))
        }
        if let basic = authentication.basic, scheme == "basic", let decoded = Data(base64Encoded: String(credentials)) {
            return constantTimeEqual(Array(decoded), Array("\(basic.username):\(basic.password)".utf8))
        }
        return false
    }

    /// Compares without returning early on the first difference, so response times do not tell
    /// how much of a guess was right.
    static func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        var difference = UInt8(a.count == b.count ? 0 : 1)
        for index in 0..<max(a.count, b.count) {
            difference |= (index < a.count ? a[index] : 0) ^ (index < b.count ? b[index] : 0)
        }
        return difference == 0
    }
}
