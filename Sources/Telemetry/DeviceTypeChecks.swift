/// The consistency rules of the device catalog that go beyond the YAML shape: per type (formats,
/// templates, bounds, paths) and across types (unique names, templates that cannot collide).
enum DeviceTypeChecks {
    static func problems(in type: DeviceType, source: DeviceTypeSource) -> [CatalogDiagnostic] {
        var found: [CatalogDiagnostic] = []
        if !isTypeName(type.name) {
            found.append(source.diagnostic(.type, "type name '\(type.name)' may only contain letters, digits, '-', '_' and '.'"))
        }
        if type.format == .value && !type.topic.hasMetricPlaceholder {
            found.append(source.diagnostic(.topic, "format 'value' takes the metric from the topic, but template '\(type.topic)' has no {metric} level"))
        }
        if type.format != .value && type.topic.hasMetricPlaceholder {
            found.append(source.diagnostic(.topic, "{metric} in the topic is only used with format 'value' (this type is '\(type.format.rawValue)')"))
        }
        for (anchor, key, path) in [(DeviceTypeSource.Anchor.timestamp, "timestamp", type.timestampPath), (.sequence, "sequence", type.sequencePath)] {
            guard let path else { continue }
            if type.format != .json {
                found.append(source.diagnostic(anchor, "'\(key)' applies to json payloads only (format '\(type.format.rawValue)')"))
            } else if let problem = jsonPathProblem(path) {
                found.append(source.diagnostic(anchor, "\(key) \(problem)"))
            }
        }
        var pathOwners: [String: String] = [:]
        for (index, metric) in type.metrics.enumerated() {
            if !TopicTemplate.isIdentifier(metric.name) {
                found.append(source.diagnostic(.metric(index), "metric name '\(metric.name)' must be letters, digits and '_', not starting with a digit (rules refer to it by name)"))
            }
            if type.format == .json, let problem = jsonPathProblem(metric.path) {
                found.append(source.diagnostic(.metricPath(index), "metric '\(metric.name)' \(problem)"))
            } else if metric.path.isEmpty {
                found.append(source.diagnostic(.metricPath(index), "metric '\(metric.name)' has an empty path"))
            }
            if type.format != .json, let owner = pathOwners[metric.path] {
                found.append(source.diagnostic(.metricPath(index), "metric '\(metric.name)' has the same path '\(metric.path)' as metric '\(owner)'"))
            } else {
                pathOwners[metric.path] = pathOwners[metric.path] ?? metric.name
            }
            if let min = metric.min, let max = metric.max, min > max {
                found.append(source.diagnostic(.metricMin(index), "metric '\(metric.name)' has min \(JSONWriter.number(min)) greater than max \(JSONWriter.number(max))"))
            }
        }
        return found
    }

    /// Duplicate names (reported on the later definition) and overlapping templates (on both).
    static func crossProblems(in types: [DeviceType], sources: [DeviceTypeSource]) -> [CatalogDiagnostic] {
        var found: [CatalogDiagnostic] = []
        var firstIndex: [String: Int] = [:]
        for (index, type) in types.enumerated() {
            if let first = firstIndex[type.name] {
                found.append(sources[index].diagnostic(.type, "duplicate device type '\(type.name)' (first defined at \(sources[first].reference(.type)))"))
            } else {
                firstIndex[type.name] = index
            }
        }
        for i in types.indices {
            for j in types.indices where j > i && types[i].topic.overlaps(types[j].topic) {
                found.append(sources[i].diagnostic(.topic, "topic template '\(types[i].topic)' can match the same topics as '\(types[j].topic)' of device type '\(types[j].name)' (\(sources[j].reference(.topic)))"))
                found.append(sources[j].diagnostic(.topic, "topic template '\(types[j].topic)' can match the same topics as '\(types[i].topic)' of device type '\(types[i].name)' (\(sources[i].reference(.topic)))"))
            }
        }
        return found
    }

    /// Why a dotted JSON path is unusable, or nil when it is fine.
    static func jsonPathProblem(_ path: String) -> String? {
        if path.isEmpty { return "has an empty path" }
        if path.split(separator: ".", omittingEmptySubsequences: false).contains(where: \.isEmpty) {
            return "path '\(path)' has an empty segment"
        }
        return nil
    }

    static func isTypeName(_ name: String) -> Bool {
        !name.isEmpty && name.utf8.allSatisfy { byte in
            (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")) || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
                || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9"))
                || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "_") || byte == UInt8(ascii: ".")
        }
    }
}
