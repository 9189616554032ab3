/// Where one (rule, device) pair is in the alert lifecycle.
public enum AlertState: UInt8, Sendable, Hashable {
    case inactive
    /// `when` holds; waiting for `for` to pass.
    case pending
    /// Raised and not yet cleared.
    case firing
}
