/// How a device type's payloads are encoded.
public enum PayloadFormat: String, Sendable, Hashable, CaseIterable {
    /// A JSON object; each metric is read at its dotted path.
    case json
    /// The payload is one number; the metric is the topic's `{metric}` level.
    case value
    /// An RFC 8428 SenML JSON pack: an array of records with base name, base time and units.
    case senml
}
