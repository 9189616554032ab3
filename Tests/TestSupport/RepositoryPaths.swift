import Foundation

/// Directories of this repository that tests read: the shipped catalog and rules.
public enum RepositoryPaths {
    /// The repository's root (three levels above this file).
    public static var root: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }

    /// `Devices/`: the shipped example catalog.
    public static var devices: String { root.appendingPathComponent("Devices").path }

    /// `Rules/`: the shipped example rules.
    public static var rules: String { root.appendingPathComponent("Rules").path }
}
