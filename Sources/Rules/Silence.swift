/// An operator's decision to mute notifications of matching alerts for a while (Alertmanager's
/// silence, as events in our log): matching alerts are still evaluated, stored and published on
/// MQTT, marked `"silenced": <id>`, but notifying sinks (Alertmanager, webhooks) skip them.
///
/// A silence is in force over `[max(startsAt, createdAt), min(endsAt, expiredAt))`: it never
/// reaches back before it was created, so replaying the log marks exactly the alerts the live
/// bridge marked (event time against these wall-clock bounds, the same comparison live and replayed).
public struct Silence: Sendable, Hashable {
    /// The id of the `SilenceCreated` event.
    public var id: String
    public var matchers: SilenceMatchers
    public var startsAt: Int64
    public var endsAt: Int64
    public var createdBy: String
    public var comment: String
    public var createdAt: Int64
    /// When a `SilenceExpired` ended it early, and who.
    public var expiredAt: Int64?
    public var expiredBy: String?

    public init(id: String, matchers: SilenceMatchers, startsAt: Int64, endsAt: Int64, createdBy: String, comment: String,
                createdAt: Int64, expiredAt: Int64? = nil, expiredBy: String? = nil) {
        self.id = id
        self.matchers = matchers
        self.startsAt = startsAt
        self.endsAt = endsAt
        self.createdBy = createdBy
        self.comment = comment
        self.createdAt = createdAt
        self.expiredAt = expiredAt
        self.expiredBy = expiredBy
    }

    /// Where a silence stands at a moment.
    public enum State: String, Sendable, Hashable {
        case pending, active, expired
    }

    public var inForceFrom: Int64 { max(startsAt, createdAt) }
    public var inForceUntil: Int64 { min(endsAt, expiredAt ?? .max) }

    public func isInForce(at time: Int64) -> Bool {
        inForceFrom <= time && time < inForceUntil
    }

    public func state(at time: Int64) -> State {
        if time >= inForceUntil { return .expired }
        return time < inForceFrom ? .pending : .active
    }

    public func matches(alert: String, device: String, labels: [String: String], at time: Int64) -> Bool {
        isInForce(at: time) && matchers.matches(alert: alert, device: device, labels: labels)
    }
}
