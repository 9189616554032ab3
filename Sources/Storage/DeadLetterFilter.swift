/// Which dead letters to list, oldest first unless ``newestFirst``. `nil` means "no restriction".
public struct DeadLetterFilter: Sendable, Hashable {
    /// Reason code (e.g. `malformed_json`).
    public var reason: String?
    /// Topics starting with this text.
    public var topicPrefix: String?
    /// Inclusive lower bound of receive time, ms since the epoch.
    public var from: Int64?
    /// Exclusive upper bound of receive time, ms since the epoch.
    public var to: Int64?
    /// Only dead letters not yet marked resolved.
    public var unresolvedOnly: Bool
    public var limit: Int?
    public var offset: Int
    /// Newest first: with a `limit`, the latest dead letters instead of the earliest.
    public var newestFirst: Bool

    public init(
        reason: String? = nil, topicPrefix: String? = nil, from: Int64? = nil, to: Int64? = nil,
        unresolvedOnly: Bool = false, limit: Int? = nil, offset: Int = 0, newestFirst: Bool = false
    ) {
        self.newestFirst = newestFirst
        self.reason = reason
        self.topicPrefix = topicPrefix
        self.from = from
        self.to = to
        self.unresolvedOnly = unresolvedOnly
        self.limit = limit
        self.offset = offset
    }
}
