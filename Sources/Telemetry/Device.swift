/// A device as identified from a message: its id, its type in the catalog, and the labels
/// taken from the topic template (`greenhouse/{site}/{device}/climate` gives `site`).
public struct Device: Sendable, Hashable {
    public var id: String
    public var type: String
    /// Label names to values, from the topic template's `{name}` segments other than `device`.
    public var labels: [String: String]

    public init(id: String, type: String, labels: [String: String] = [:]) {
        self.id = id
        self.type = type
        self.labels = labels
    }
}
