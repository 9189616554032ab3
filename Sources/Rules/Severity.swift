/// How urgent an alert is; part of the MQTT topic `alerts/{severity}/{alert}/{device}`.
public enum Severity: String, Sendable, Hashable, CaseIterable, Codable {
    case info
    case warning
    case critical
}
