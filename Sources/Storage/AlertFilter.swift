/// Which stored alert events to list, ordered by event time then id (oldest first unless
/// ``newestFirst``). `nil` means "no restriction".
public struct AlertFilter: Sendable, Hashable {
    /// Inclusive lower bound of event time (`at`), ms since the epoch.
    public var from: Int64?
    /// Exclusive upper bound of event time: `[from, to)`.
    public var to: Int64?
    /// The rule's alert name, exactly.
    public var alert: String?
    /// Device ids or glob patterns (`*` any run of characters, `?` one character); an event is
    /// included when its device matches any of them.
    public var devices: [String]?
    /// Which kinds of event; nil: raises and clears (the engine's events).
    public var type: AlertRecord.Kind?
    /// With ``type`` nil, also acknowledgements (history views show them beside raises and clears).
    public var includeAcknowledgements: Bool
    public var limit: Int?
    public var offset: Int
    /// Newest first: with a `limit`, the latest events instead of the earliest (history views).
    public var newestFirst: Bool

    public init(
        from: Int64? = nil, to: Int64? = nil, alert: String? = nil, devices: [String]? = nil,
        type: AlertRecord.Kind? = nil, limit: Int? = nil, offset: Int = 0, newestFirst: Bool = false,
        includeAcknowledgements: Bool = false
    ) {
        self.includeAcknowledgements = includeAcknowledgements
        self.newestFirst = newestFirst
        self.from = from
        self.to = to
        self.alert = alert
        self.devices = devices
        self.type = type
        self.limit = limit
        self.offset = offset
    }
}
