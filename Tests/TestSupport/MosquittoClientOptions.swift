/// Connection options shared by `mosquitto_pub` and `mosquitto_sub`.
public struct MosquittoClientOptions: Sendable {
    public var host: String
    public var port: UInt16
    /// Enables TLS with this CA.
    public var caFile: String?
    public var certFile: String?
    public var keyFile: String?
    public var username: String?
    public var password: String?
    public var clientID: String?
    /// `mqttv5`, `mqttv311` or `mqttv31`; the tools' default (3.1.1) when nil.
    public var protocolVersion: String?

    public init(host: String = "127.0.0.1", port: UInt16) {
        self.host = host
        self.port = port
    }

    public var arguments: [String] {
        var arguments = ["-h", host, "-p", String(port)]
        if let caFile { arguments += ["--cafile", caFile] }
        if let certFile { arguments += ["--cert", certFile] }
        if let keyFile { arguments += ["--key", keyFile] }
        if let username { arguments += ["-u", username] }
        if let password { arguments += ["-P", password] }
        if let clientID { arguments += ["-i", clientID] }
        if let protocolVersion { arguments += ["-V", protocolVersion] }
        return arguments
    }
}
