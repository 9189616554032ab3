/// The metrics and windows a whole rule set uses, interned to array indexes so the engine keeps
/// per-device state in flat arrays and never hashes a string per reading.
struct SymbolTable: Hashable, Sendable {
    struct WindowSpec: Hashable, Sendable {
        var metric: Int
        var duration: Int64
        var features: WindowFeatures
    }

    private(set) var metrics: [String] = []
    private var metricIndexes: [String: Int] = [:]
    private(set) var windows: [WindowSpec] = []
    private var windowIndexes: [WindowKey: Int] = [:]

    private struct WindowKey: Hashable, Sendable {
        var metric: Int
        var duration: Int64
    }

    /// Device attribute names rules read (`attr.<name>`).
    private(set) var attributes: [String] = []

    func metricIndex(_ name: String) -> Int? { metricIndexes[name] }

    mutating func attribute(_ name: String) -> Int {
        if let index = attributes.firstIndex(of: name) { return index }
        attributes.append(name)
        return attributes.count - 1
    }

    mutating func metric(_ name: String) -> Int {
        if let index = metricIndexes[name] { return index }
        metrics.append(name)
        metricIndexes[name] = metrics.count - 1
        return metrics.count - 1
    }

    /// One window per (metric, duration), shared by every rule and function that needs it.
    mutating func window(metric name: String, duration: Int64, function: WindowFunction) -> Int {
        let key = WindowKey(metric: metric(name), duration: duration)
        if let index = windowIndexes[key] {
            windows[index].features.formUnion(function.features)
            return index
        }
        windows.append(WindowSpec(metric: key.metric, duration: duration, features: function.features))
        windowIndexes[key] = windows.count - 1
        return windows.count - 1
    }
}
