import Foundation

/// One webhook: where events are POSTed, extra headers, and the HMAC key of the signature header.
public struct WebhookTarget: Sendable, Hashable {
    public var url: URL
    /// Sent with every request (`Authorization: Bearer …`, say).
    public var headers: [Header]
    /// When set, every request carries `X-Telemetry-Bridge-Signature: sha256=<hex HMAC-SHA256 of the body>`.
    public var secret: [UInt8]?
    /// The sink's name (its cursor key, metric label); by default `webhook:` and the URL without
    /// credentials or query.
    public var name: String

    public struct Header: Sendable, Hashable {
        public var name: String
        public var value: String

        public init(name: String, value: String) {
            self.name = name
            self.value = value
        }
    }

    public init(url: URL, headers: [Header] = [], secret: [UInt8]? = nil, name: String? = nil) {
        self.url = url
        self.headers = headers
        self.secret = secret
        self.name = name ?? "webhook:" + HTTPPoster.redacted(url)
    }
}
