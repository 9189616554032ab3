import Foundation

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
        let object: [String: Any]
        do {
            guard let parsed = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any] else {
                throw AlertEventDecodingError(message: "not a JSON object")
            }
            object = parsed
        } catch let error as AlertEventDecodingError {
            throw error
        } catch {
            throw AlertEventDecodingError(message: "malformed JSON: \(error.localizedDescription)")
        }
        func string(_ key: String, in dictionary: [String: Any] = object) throws(AlertEventDecodingError) -> String {
            guard let value = dictionary[key] as? String else { throw AlertEventDecodingError(message: "missing string '\(key)'") }
            return value
        }
        func time(_ key: String, in dictionary: [String: Any] = object) throws(AlertEventDecodingError) -> Int64 {
            guard let value = EventTimestamp.parse(try string(key, in: dictionary)) else {
                throw AlertEventDecodingError(message: "'\(key)' is not an ISO 8601 UTC time")
            }
            return value
        }
        let value = (object["value"] as? NSNumber)?.doubleValue
        guard (object["schema"] as? NSNumber)?.intValue == 1 else {
            throw AlertEventDecodingError(message: "unsupported schema \(object["schema"].map { "\($0)" } ?? "(missing)")")
        }
        switch try string("type") {
        case "AlertRaised":
            guard let severity = Severity(rawValue: try string("severity")) else {
                throw AlertEventDecodingError(message: "unknown severity")
            }
            let causeObject = object["cause"] as? [String: Any] ?? [:]
            self = .raised(AlertRaised(
                id: try string("id"), alert: try string("alert"), device: try string("device"),
                deviceType: try string("deviceType"), labels: object["labels"] as? [String: String] ?? [:],
                severity: severity, value: value, message: try string("message"), at: try time("at"),
                pendingSince: try time("pendingSince"),
                cause: AlertCause(topic: causeObject["topic"] as? String, at: try time("at", in: causeObject),
                                  traceparent: causeObject["traceparent"] as? String,
                                  correlationData: causeObject["correlationData"] as? String),
                annotations: object["annotations"] as? [String: String] ?? [:]))
        case "AlertCleared":
            self = .cleared(AlertCleared(
                id: try string("id"), raisedId: try string("raisedId"), alert: try string("alert"),
                device: try string("device"), severity: (object["severity"] as? String).flatMap(Severity.init(rawValue:)),
                value: value, at: try time("at"), raisedAt: try time("raisedAt")))
        case let other:
            throw AlertEventDecodingError(message: "unknown event type '\(other)'")
        }
    }
}
