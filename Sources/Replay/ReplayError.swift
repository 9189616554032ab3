import Storage

/// Why a replay could not run.
public enum ReplayError: Error, CustomStringConvertible, Sendable {
    /// The database could not be read.
    case storage(StorageError)

    public var description: String {
        switch self {
        case .storage(let error): "cannot read the stored log: \(error)"
        }
    }
}
