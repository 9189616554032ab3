import Rules

/// Turns replayed events into output lines in a `ReplayFormat`.
///
/// The table's column widths come from what is known before the first event (the rule and
/// device names), so it streams without buffering.
public struct ReplayEventFormatter: Sendable {
    public let format: ReplayFormat
    public let colour: Bool
    private let alertWidth: Int
    private let deviceWidth: Int
    private let severities: [String: String]

    /// - Parameters:
    ///   - rules: gives the severity of cleared events and the alert column's width.
    ///   - devices: device ids that may appear (the device column's width).
    ///   - colour: ANSI colours in the table (only when writing to a terminal and NO_COLOR is unset).
    public init(format: ReplayFormat, rules: RuleSet, devices: [String], colour: Bool = false) {
        self.format = format
        self.colour = colour && format == .table
        alertWidth = max(5, rules.rules.map(\.name.count).max() ?? 0)
        deviceWidth = max(6, devices.map(\.count).max() ?? 0)
        severities = Dictionary(rules.rules.map { ($0.name, $0.severity.rawValue) }, uniquingKeysWith: { a, _ in a })
    }

    /// The first line, if the format has one.
    public var header: String? {
        switch format {
        case .jsonl: nil
        case .csv: "type,alert,device,at,value,severity,message"
        case .table:
            ReplayText.padded("TIME", 24) + "  " + ReplayText.padded("TYPE", 12) + "  " + ReplayText.padded("ALERT", alertWidth)
                + "  " + ReplayText.padded("DEVICE", deviceWidth) + "  " + ReplayText.padded("VALUE", 10) + "  MESSAGE"
        }
    }

    public func line(for event: AlertEvent) -> String {
        let severity: String
        let message: String
        switch event {
        case .raised(let raised):
            severity = raised.severity.rawValue
            message = raised.message
        case .cleared(let cleared):
            severity = severities[cleared.alert] ?? ""
            message = format == .table ? "raised \(ReplayText.time(cleared.raisedAt))" : ""
        }
        switch format {
        case .jsonl:
            return event.json
        case .csv:
            return [event.typeName, event.alert, event.device, ReplayText.time(event.at), ReplayText.value(event.value),
                    severity, message].map(ReplayText.csvField).joined(separator: ",")
        case .table:
            let text = ReplayText.padded(ReplayText.time(event.at), 24) + "  " + ReplayText.padded(event.typeName, 12) + "  "
                + ReplayText.padded(event.alert, alertWidth) + "  " + ReplayText.padded(event.device, deviceWidth) + "  "
                + ReplayText.padded(ReplayText.value(event.value), 10) + "  " + message
            guard colour else { return text }
            let code = switch (event, severity) {
            case (.cleared, _): "32"
            case (_, "critical"): "31"
            case (_, "warning"): "33"
            default: "36"
            }
            return "\u{1B}[" + code + "m" + text + "\u{1B}[0m"
        }
    }
}
