/// An operator said they have seen a firing alert: its notifications stop repeating until it
/// clears, and its retained "active" copy shows who acknowledged it. `at` is the wall-clock time of
/// the acknowledgement.
public struct AlertAcknowledged: Sendable, Hashable {
    public var id: String
    /// The `AlertRaised` acknowledged.
    public var raisedId: String
    public var alert: String
    public var device: String
    public var by: String
    public var comment: String
    public var at: Int64

    public init(id: String, raisedId: String, alert: String, device: String, by: String, comment: String, at: Int64) {
        self.id = id
        self.raisedId = raisedId
        self.alert = alert
        self.device = device
        self.by = by
        self.comment = comment
        self.at = at
    }

    public var json: String {
        var writer = JSONObjectBuilder()
        writer.field("type", "AlertAcknowledged")
        writer.field("schema", raw: "1")
        writer.field("id", id)
        writer.field("raisedId", raisedId)
        writer.field("alert", alert)
        writer.field("device", device)
        writer.field("by", by)
        writer.field("comment", comment)
        writer.field("at", EventTimestamp.format(at))
        return writer.finished
    }

    /// The `acknowledged` object a retained "active" copy carries.
    public var summaryJSON: String {
        var writer = JSONObjectBuilder()
        writer.field("id", id)
        writer.field("by", by)
        writer.field("comment", comment)
        writer.field("at", EventTimestamp.format(at))
        return writer.finished
    }
}
