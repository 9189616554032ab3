/// TLS settings for an `mqtts://` connection.
///
/// Without `caFile` the operating system's trusted certificates are used.
public struct MQTTTLS: Sendable, Hashable {
    /// PEM file with the certificate authority that signed the broker's certificate.
    public var caFile: String?
    /// PEM client certificate, for brokers that require one (with `keyFile`).
    public var certFile: String?
    /// PEM private key of `certFile`.
    public var keyFile: String?
    /// Skip the check that the broker's certificate names the host we connect to.
    /// The chain is still verified. Only for test setups.
    public var insecure: Bool

    public init(caFile: String? = nil, certFile: String? = nil, keyFile: String? = nil, insecure: Bool = false) {
        self.caFile = caFile
        self.certFile = certFile
        self.keyFile = keyFile
        self.insecure = insecure
    }
}
