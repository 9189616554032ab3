/// How `replay` writes events and differences.
public enum ReplayFormat: String, Sendable, Hashable, CaseIterable {
    /// Aligned columns for people (colour on a terminal).
    case table
    /// One event JSON per line, exactly as the daemon publishes it.
    case jsonl
    /// `type,alert,device,at,value,severity,message`.
    case csv
}
