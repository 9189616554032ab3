/// Where alert events are published. Names taken from devices and rules are escaped so that a
/// `/`, `+` or `#` in a device id can neither add topic levels nor act as a wildcard.
public struct AlertTopics: Sendable, Hashable {
    /// Template of the event topic; `{severity}`, `{alert}` and `{device}` are replaced.
    public var events: String
    /// Template of the retained "firing now" topic; empty retained message when cleared.
    public var active: String

    public init(events: String = "alerts/{severity}/{alert}/{device}", active: String = "alerts/active/{alert}/{device}") {
        self.events = events
        self.active = active
    }

    public func eventTopic(severity: String, alert: String, device: String) -> String {
        render(events, severity: severity, alert: alert, device: device)
    }

    public func activeTopic(alert: String, device: String) -> String {
        render(active, severity: "", alert: alert, device: device)
    }

    private func render(_ template: String, severity: String, alert: String, device: String) -> String {
        template
            .replacingOccurrences(of: "{severity}", with: Self.escape(severity))
            .replacingOccurrences(of: "{alert}", with: Self.escape(alert))
            .replacingOccurrences(of: "{device}", with: Self.escape(device))
    }

    /// Percent-encodes the characters that are structural in MQTT topics.
    public static func escape(_ level: String) -> String {
        guard level.utf8.contains(where: { $0 == 0x2F || $0 == 0x2B || $0 == 0x23 || $0 == 0x25 || $0 == 0 }) else {
            return level
        }
        var escaped = ""
        for character in level.unicodeScalars {
            switch character {
            case "%": escaped += "%25"
            case "/": escaped += "%2F"
            case "+": escaped += "%2B"
            case "#": escaped += "%23"
            case "\u{0}": escaped += "%00"
            default: escaped.unicodeScalars.append(character)
            }
        }
        return escaped
    }
}
