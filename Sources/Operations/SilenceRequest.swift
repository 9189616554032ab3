import Rules

/// A silence to create: matchers, when it starts (nil: now) and ends, who and why.
public struct SilenceRequest: Sendable, Hashable {
    public var matchers: SilenceMatchers
    public var startsAt: Int64?
    public var endsAt: Int64
    public var by: String
    public var comment: String

    public init(matchers: SilenceMatchers, startsAt: Int64? = nil, endsAt: Int64, by: String, comment: String = "") {
        self.matchers = matchers
        self.startsAt = startsAt
        self.endsAt = endsAt
        self.by = by
        self.comment = comment
    }
}

/// Ends the silence `id` (its full id, or a unique prefix of at least 8 characters) now.
public struct UnsilenceRequest: Sendable, Hashable {
    public var id: String
    public var by: String

    public init(id: String, by: String) {
        self.id = id
        self.by = by
    }
}
