import Foundation

/// One Alertmanager (or an HA pair's member: list each, as Prometheus does).
public struct AlertmanagerTarget: Sendable, Hashable {
    /// Its base URL, e.g. `http://alertmanager:9093`; alerts go to `<base>/api/v2/alerts`.
    public var url: URL
    /// The sink's name (cursor key, metric label).
    public var name: String

    public init(url: URL, name: String? = nil) {
        self.url = url
        self.name = name ?? "alertmanager:" + HTTPPoster.redacted(url)
    }

    /// `<base>/api/v2/alerts`, keeping a path prefix (`http://host/am` → `http://host/am/api/v2/alerts`).
    public var alertsEndpoint: URL { endpoint("/api/v2/alerts") }

    /// `<base>/api/v2/silences`: where an acknowledgement's silence is created.
    public var silencesEndpoint: URL { endpoint("/api/v2/silences") }

    /// `<base>/api/v2/silence/<id>`: DELETE expires it.
    public func silenceEndpoint(id: String) -> URL {
        endpoint("/api/v2/silence/" + (id.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(["/"])) ?? id))
    }

    private func endpoint(_ path: String) -> URL {
        var base = url.absoluteString
        while base.hasSuffix("/") { base.removeLast() }
        return URL(string: base + path) ?? url
    }
}
