/// Why the dashboard's web pages could not be loaded.
public enum DashboardAssetsError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The module's resource bundle is not next to the executable (a binary copied without it).
    case bundleNotFound(path: String)
    /// The asset directory lacks a file the dashboard needs.
    case missingFile(path: String)
    case unreadable(path: String, reason: String)

    public var description: String {
        switch self {
        case .bundleNotFound(let path):
            "dashboard resources not found at \(path) (copy the resource bundle next to the executable)"
        case .missingFile(let path):
            "dashboard resource missing: \(path)"
        case .unreadable(let path, let reason):
            "cannot read dashboard resource \(path): \(reason)"
        }
    }
}
