import MQTT
import Rules
import Storage
import Telemetry

/// Why the daemon (or a command) could not start or had to stop.
public enum BridgeError: Error, CustomStringConvertible {
    case configuration(ConfigurationError)
    case catalog(CatalogError)
    case rules(RuleError)
    case storage(StorageError)
    case mqtt(MQTTError)

    public var description: String {
        switch self {
        case .configuration(let error): "\(error)"
        case .catalog(let error): "\(error)"
        case .rules(let error): "\(error)"
        case .storage(let error): "\(error)"
        case .mqtt(let error): "\(error)"
        }
    }

    /// The process exit code: 2 for invalid input the operator must fix, 1 for runtime failures.
    public var exitCode: Int32 {
        switch self {
        case .configuration, .catalog, .rules: 2
        case .storage, .mqtt: 1
        }
    }
}
