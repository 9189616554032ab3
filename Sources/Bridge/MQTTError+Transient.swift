import MQTT

extension MQTTError {
    /// Failures worth retrying at start-up: the broker may come up later. Refusals and
    /// configuration mistakes are not: retrying would only hide them.
    var isTransient: Bool {
        switch self {
        case .connectionFailed, .timeout, .connectionLost: true
        default: false
        }
    }
}
