/// What the rules engine emits: immutable, past-tense events, versioned by `schema`.
public enum AlertEvent: Sendable, Hashable {
    case raised(AlertRaised)
    case cleared(AlertCleared)

    public var id: String {
        switch self {
        case .raised(let event): event.id
        case .cleared(let event): event.id
        }
    }

    public var alert: String {
        switch self {
        case .raised(let event): event.alert
        case .cleared(let event): event.alert
        }
    }

    public var device: String {
        switch self {
        case .raised(let event): event.device
        case .cleared(let event): event.device
        }
    }

    /// Event time (ms since the epoch).
    public var at: Int64 {
        switch self {
        case .raised(let event): event.at
        case .cleared(let event): event.at
        }
    }

    public var value: Double? {
        switch self {
        case .raised(let event): event.value
        case .cleared(let event): event.value
        }
    }

    /// Why notifying sinks (Alertmanager, webhooks) hold the event back: the silence id or
    /// `maintenance:<name>` of its `silenced` field, else ``flappingMark`` when it is marked
    /// flapping; nil when they send it. The alert log stores it in its `silenced` column.
    public var heldBackBy: String? {
        switch self {
        case .raised(let event): event.silenced ?? (event.flapping ? Self.flappingMark : nil)
        case .cleared(let event): event.silenced ?? (event.flapping ? Self.flappingMark : nil)
        }
    }

    /// ``heldBackBy`` of an event held back only because its rule was flapping.
    public static let flappingMark = "flapping"

    /// `AlertRaised` or `AlertCleared`, as in the JSON `type` field.
    public var typeName: String {
        switch self {
        case .raised: "AlertRaised"
        case .cleared: "AlertCleared"
        }
    }

    /// One line of JSON, fields in the documented order (`type`, `schema`, `id`, ...).
    public var json: String {
        switch self {
        case .raised(let event): event.json
        case .cleared(let event): event.json
        }
    }

    /// Reads an event back from its JSON (the stored alert log), e.g. to `restoreFiring`.
    public init(json: String) throws(AlertEventDecodingError) {
        let object = try EventJSONObject(json: json)
        switch try object.string("type") {
        case "AlertRaised":
            guard let severity = Severity(rawValue: try object.string("severity")) else {
                throw AlertEventDecodingError(message: "unknown severity")
            }
            let cause = object.object("cause")
            self = .raised(AlertRaised(
                id: try object.string("id"), alert: try object.string("alert"), device: try object.string("device"),
                deviceType: try object.string("deviceType"), labels: object.strings("labels"),
                severity: severity, value: object.number("value"), message: try object.string("message"),
                at: try object.time("at"), pendingSince: try object.time("pendingSince"),
                cause: AlertCause(topic: cause.optionalString("topic"), at: try cause.time("at"),
                                  traceparent: cause.optionalString("traceparent"),
                                  correlationData: cause.optionalString("correlationData")),
                annotations: object.strings("annotations"), silenced: object.optionalString("silenced"),
                flapping: object.bool("flapping")))
        case "AlertCleared":
            self = .cleared(AlertCleared(
                id: try object.string("id"), raisedId: try object.string("raisedId"), alert: try object.string("alert"),
                device: try object.string("device"), severity: object.optionalString("severity").flatMap(Severity.init(rawValue:)),
                value: object.number("value"), at: try object.time("at"), raisedAt: try object.time("raisedAt"),
                silenced: object.optionalString("silenced"), flapping: object.bool("flapping")))
        case let other:
            throw AlertEventDecodingError(message: "unknown event type '\(other)'")
        }
    }
}
