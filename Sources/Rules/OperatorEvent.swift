/// What operators add to the alert log beside the engine's raises and clears: acknowledgements
/// and silences. Past-tense, immutable, versioned by `schema` like ``AlertEvent``.
public enum OperatorEvent: Sendable, Hashable {
    case acknowledged(AlertAcknowledged)
    case silenceCreated(SilenceCreated)
    case silenceExpired(SilenceExpired)

    public var id: String {
        switch self {
        case .acknowledged(let event): event.id
        case .silenceCreated(let event): event.silence.id
        case .silenceExpired(let event): event.id
        }
    }

    /// Wall-clock time (ms) the operator acted.
    public var at: Int64 {
        switch self {
        case .acknowledged(let event): event.at
        case .silenceCreated(let event): event.silence.createdAt
        case .silenceExpired(let event): event.at
        }
    }

    /// The JSON `type` field.
    public var typeName: String {
        switch self {
        case .acknowledged: "AlertAcknowledged"
        case .silenceCreated: "SilenceCreated"
        case .silenceExpired: "SilenceExpired"
        }
    }

    public var json: String {
        switch self {
        case .acknowledged(let event): event.json
        case .silenceCreated(let event): event.json
        case .silenceExpired(let event): event.json
        }
    }

    /// Reads an event back from the stored alert log.
    public init(json: String) throws(AlertEventDecodingError) {
        let object = try EventJSONObject(json: json)
        switch try object.string("type") {
        case "AlertAcknowledged":
            self = .acknowledged(AlertAcknowledged(
                id: try object.string("id"), raisedId: try object.string("raisedId"), alert: try object.string("alert"),
                device: try object.string("device"), by: try object.string("by"), comment: object.optionalString("comment") ?? "",
                at: try object.time("at")))
        case "SilenceCreated":
            let matchersObject = object.object("matchers")
            let matchers: SilenceMatchers
            do {
                matchers = try SilenceMatchers(alert: matchersObject.optionalString("alert"), device: matchersObject.optionalString("device"),
                                               where: matchersObject.optionalString("where"))
            } catch {
                throw AlertEventDecodingError(message: "matchers: \(error)")
            }
            self = .silenceCreated(SilenceCreated(silence: Silence(
                id: try object.string("id"), matchers: matchers, startsAt: try object.time("startsAt"),
                endsAt: try object.time("endsAt"), createdBy: try object.string("createdBy"),
                comment: object.optionalString("comment") ?? "", createdAt: try object.time("at"))))
        case "SilenceExpired":
            self = .silenceExpired(SilenceExpired(id: try object.string("id"), silenceId: try object.string("silenceId"),
                                                  by: try object.string("by"), at: try object.time("at")))
        case let other:
            throw AlertEventDecodingError(message: "unknown event type '\(other)'")
        }
    }
}
