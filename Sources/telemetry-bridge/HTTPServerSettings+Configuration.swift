import Bridge
import Dashboard
import Glibc
import Logging

extension HTTPServerSettings {
    /// File descriptors kept for everything but HTTP connections: the broker connection, the
    /// database and its journal, readers, logs, the listening socket.
    static let reservedFileDescriptors = 64

    /// The settings of `configuration`, with the connection limit lowered to fit the process's
    /// open-file limit (raised to its hard limit first) minus ``reservedFileDescriptors``, so a
    /// flood of connections never leaves the broker or the database without a descriptor.
    init(_ configuration: BridgeConfiguration, logger: Logger) {
        self.init()
        let available = Self.openFileLimit() - Self.reservedFileDescriptors
        maximumConnections = max(1, min(configuration.httpMaxConnections, available))
        if maximumConnections < configuration.httpMaxConnections {
            logger.warning("HTTP connections limited by the open-file limit", metadata: [
                "http-max-connections": "\(configuration.httpMaxConnections)", "effective": "\(maximumConnections)",
            ])
        }
        idleTimeout = .milliseconds(configuration.httpIdleTimeout)
        requestTimeout = .milliseconds(configuration.httpRequestTimeout)
        if configuration.httpToken != nil || configuration.httpUsername != nil {
            authentication = HTTPAuthentication(
                bearerToken: configuration.httpToken,
                basic: configuration.httpUsername.flatMap { user in configuration.httpPassword.map { (user, $0) } })
        }
        allowedOrigin = configuration.httpAllowOrigin
    }

    /// The soft open-file limit after raising it to the hard limit (systemd starts services at 1024).
    private static func openFileLimit() -> Int {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return 1024 }
        if limit.rlim_cur < limit.rlim_max {
            var raised = limit
            raised.rlim_cur = limit.rlim_max
            if setrlimit(Int32(RLIMIT_NOFILE.rawValue), &raised) == 0 { limit = raised }
        }
        return Int(clamping: limit.rlim_cur)
    }
}
