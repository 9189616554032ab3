/// Where the dashboard's HTTP server listens: `HOST:PORT`, or `[IPv6]:PORT`. Port 0 asks the
/// system for a free port.
public struct HTTPAddress: Sendable, Hashable, CustomStringConvertible {
    public var host: String
    public var port: Int

    public static let `default` = HTTPAddress(host: "127.0.0.1", port: 8080)

    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    /// Parses `HOST:PORT` or `[IPv6]:PORT`; nil when it is neither or the port is not 0 to 65535.
    public init?(parsing text: String) {
        let host: Substring
        let port: Substring
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]"), text[text.index(after: close)...].hasPrefix(":") else { return nil }
            host = text[text.index(after: text.startIndex)..<close]
            port = text[text.index(close, offsetBy: 2)...]
        } else {
            guard let colon = text.lastIndex(of: ":") else { return nil }
            host = text[..<colon]
            port = text[text.index(after: colon)...]
            guard !host.contains(":") else { return nil }
        }
        guard !host.isEmpty, !host.contains(where: { $0 == " " || $0 == "/" }),
              !port.isEmpty, port.allSatisfy(\.isASCII), let number = Int(port), (0...65535).contains(number)
        else { return nil }
        self.init(host: String(host), port: number)
    }

    /// `http://HOST:PORT/` (IPv6 hosts in brackets).
    public var url: String {
        "http://\(description)/"
    }

    public var description: String {
        host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
    }
}
