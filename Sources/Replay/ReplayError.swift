import Storage

/// Why a replay could not run.
public enum ReplayError: Error, CustomStringConvertible, Sendable {
    /// The database could not be read.
    case storage(StorageError)
    /// A `--sweep` that cannot run (its text, too many combinations).
    case invalidSweep(String)

    public var description: String {
        switch self {
        case .storage(let error): "cannot read the stored log: \(error)"
        case .invalidSweep(let reason): "invalid --sweep: \(reason)"
        }
    }
}
