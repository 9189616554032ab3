import Bridge
import Logging

enum LogSetup {
    /// Logs go to standard error, so standard output stays clean for data (export).
    static func bootstrap(level: String) -> Logger {
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = Logger.Level(rawValue: level) ?? .info
            return handler
        }
        return Logger(label: "telemetry-bridge")
    }
}
