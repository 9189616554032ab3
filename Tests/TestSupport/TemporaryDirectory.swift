import Foundation

/// A fresh directory under /tmp, removed on `remove()` or when the object goes away.
public final class TemporaryDirectory: @unchecked Sendable {
    public let path: String
    private let lock = NSLock()
    private var removed = false

    public init(prefix: String = "telemetry-bridge-test") throws {
        var template = Array("/tmp/\(prefix).XXXXXX".utf8CString)
        guard let created = mkdtemp(&template) else {
            throw TestSupportError("mkdtemp failed for /tmp/\(prefix).XXXXXX")
        }
        path = String(cString: created)
    }

    public var url: URL { URL(fileURLWithPath: path, isDirectory: true) }

    /// The path of `name` inside the directory.
    public func file(_ name: String) -> String {
        (path as NSString).appendingPathComponent(name)
    }

    public func remove() {
        lock.lock()
        defer { lock.unlock() }
        guard !removed else { return }
        removed = true
        try? FileManager.default.removeItem(atPath: path)
    }

    deinit {
        remove()
    }
}
