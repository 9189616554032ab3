/// A silence was created; its `id` is the silence's id.
public struct SilenceCreated: Sendable, Hashable {
    public var silence: Silence

    public init(silence: Silence) {
        self.silence = silence
    }

    public var json: String {
        var writer = JSONObjectBuilder()
        writer.field("type", "SilenceCreated")
        writer.field("schema", raw: "1")
        writer.field("id", silence.id)
        var matchers = JSONObjectBuilder()
        if let alert = silence.matchers.alert { matchers.field("alert", alert) }
        if let device = silence.matchers.device { matchers.field("device", device) }
        if let whereText = silence.matchers.whereText { matchers.field("where", whereText) }
        writer.field("matchers", raw: matchers.finished)
        writer.field("startsAt", EventTimestamp.format(silence.startsAt))
        writer.field("endsAt", EventTimestamp.format(silence.endsAt))
        writer.field("createdBy", silence.createdBy)
        writer.field("comment", silence.comment)
        writer.field("at", EventTimestamp.format(silence.createdAt))
        return writer.finished
    }
}

/// A silence was ended before its `endsAt` (`alerts unsilence`).
public struct SilenceExpired: Sendable, Hashable {
    public var id: String
    public var silenceId: String
    public var by: String
    public var at: Int64

    public init(id: String, silenceId: String, by: String, at: Int64) {
        self.id = id
        self.silenceId = silenceId
        self.by = by
        self.at = at
    }

    public var json: String {
        var writer = JSONObjectBuilder()
        writer.field("type", "SilenceExpired")
        writer.field("schema", raw: "1")
        writer.field("id", id)
        writer.field("silenceId", silenceId)
        writer.field("by", by)
        writer.field("at", EventTimestamp.format(at))
        return writer.finished
    }
}
