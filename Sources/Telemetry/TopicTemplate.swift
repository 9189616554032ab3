/// An MQTT topic pattern with named levels, such as `greenhouse/{site}/{device}/climate`.
///
/// Each `{name}` fills one whole level. `{device}` is required and names the device; `{metric}`
/// names the metric for `format: value` types; every other placeholder becomes a label. The last
/// level may be `{name+}`, which takes one or more levels with the `/` between them (Zigbee2MQTT
/// friendly names such as `kitchen/fridge`: `zigbee2mqtt/{device+}`); its filter ends in `#`.
/// Matching works on the topic's UTF-8 bytes and allocates only the strings it returns.
public struct TopicTemplate: Sendable, Hashable, CustomStringConvertible {
    /// The template as written.
    public let text: String
    /// Placeholder names in level order.
    public let placeholders: [String]

    /// Literal bytes of all literal levels, concatenated.
    private let literalBytes: [UInt8]
    /// Per level: offset into `literalBytes` and length for a literal, or `-1 - placeholderIndex`.
    private let levelSpecs: [(offset: Int, length: Int)]
    private let deviceIndex: Int
    private let metricIndex: Int?
    /// The last level is `{name+}`.
    public let endsWithMultiLevel: Bool

    /// Parses and validates a template; throws every problem found, not just the first.
    public init(_ text: String) throws(TopicTemplateError) {
        var problems: [String] = []
        var placeholders: [String] = []
        var literalBytes: [UInt8] = []
        var specs: [(offset: Int, length: Int)] = []

        if text.isEmpty {
            throw TopicTemplateError(template: text, problems: ["the template is empty"])
        }
        let levels = text.split(separator: "/", omittingEmptySubsequences: false)
        var multiLevel = false
        for (position, level) in levels.enumerated() {
            if level.isEmpty {
                problems.append("empty level (a leading, trailing or doubled '/')")
                specs.append((0, 0))
                continue
            }
            let multiLevelForm = level.hasPrefix("{") && level.hasSuffix("+}") && level.count(where: { $0 == "+" }) == 1
            if (level.contains("+") && !multiLevelForm) || level.contains("#") {
                problems.append("level '\(level)' uses an MQTT wildcard; name it with {name} instead")
            }
            let opens = level.count(where: { $0 == "{" })
            let closes = level.count(where: { $0 == "}" })
            if opens == 0 && closes == 0 {
                specs.append((literalBytes.count, level.utf8.count))
                literalBytes.append(contentsOf: level.utf8)
                continue
            }
            guard opens == 1, closes == 1, level.first == "{", level.last == "}" else {
                if opens != closes {
                    problems.append("unbalanced braces in level '\(level)'")
                } else {
                    problems.append("level '\(level)' must be a whole placeholder like {name}")
                }
                specs.append((0, 0))
                continue
            }
            var name = String(level.dropFirst().dropLast())
            if name.hasSuffix("+") {
                name.removeLast()
                if position == levels.count - 1 {
                    multiLevel = true
                } else {
                    problems.append("'{\(name)+}' takes the remaining levels, so it must be the last level")
                }
            }
            if !Self.isIdentifier(name) {
                problems.append("placeholder '{\(name)}' must be a name of letters, digits and '_' not starting with a digit")
            } else if placeholders.contains(name) {
                problems.append("placeholder '{\(name)}' appears more than once")
            }
            specs.append((offset: -1 - placeholders.count, length: -1))
            placeholders.append(name)
        }
        if !placeholders.contains("device") {
            problems.append("the template needs a {device} level")
        }
        guard problems.isEmpty, let deviceIndex = placeholders.firstIndex(of: "device") else {
            throw TopicTemplateError(template: text, problems: problems)
        }
        self.text = text
        self.placeholders = placeholders
        self.literalBytes = literalBytes
        self.levelSpecs = specs
        self.deviceIndex = deviceIndex
        self.metricIndex = placeholders.firstIndex(of: "metric")
        self.endsWithMultiLevel = multiLevel
    }

    /// The MQTT subscription filter: every placeholder becomes `+`, a final `{name+}` `#`.
    public var filter: String {
        text.split(separator: "/", omittingEmptySubsequences: false)
            .map { $0.first == "{" ? ($0.hasSuffix("+}") ? "#" : "+") : String($0) }
            .joined(separator: "/")
    }

    /// Whether the template has a `{metric}` level.
    public var hasMetricPlaceholder: Bool { metricIndex != nil }

    /// Label names: placeholders other than `device` and `metric`, in level order.
    public var labels: [String] { placeholders.filter { $0 != "device" && $0 != "metric" } }

    public var description: String { text }

    public static func == (lhs: TopicTemplate, rhs: TopicTemplate) -> Bool { lhs.text == rhs.text }
    public func hash(into hasher: inout Hasher) { hasher.combine(text) }

    /// Reads device, labels and metric out of `topic`, or nil when the topic does not fit the
    /// template (other level count, a differing literal, or an empty placeholder level).
    public func match(_ topic: String) -> TopicMatch? {
        if let result = topic.utf8.withContiguousStorageIfAvailable({ match(bytes: $0) }) {
            return result
        }
        var copy = topic
        copy.makeContiguousUTF8()
        return copy.utf8.withContiguousStorageIfAvailable { match(bytes: $0) } ?? nil
    }

    private func match(bytes: UnsafeBufferPointer<UInt8>) -> TopicMatch? {
        let placeholderCount = placeholders.count
        return withUnsafeTemporaryAllocation(of: Int.self, capacity: placeholderCount * 2) { ranges -> TopicMatch? in
            guard capture(bytes: bytes, into: ranges) else { return nil }
            func value(_ index: Int) -> String {
                String(decoding: UnsafeBufferPointer(rebasing: bytes[ranges[2 * index]..<ranges[2 * index + 1]]), as: UTF8.self)
            }
            var labels: [String: String] = [:]
            if placeholderCount > (metricIndex == nil ? 1 : 2) {
                labels.reserveCapacity(placeholderCount)
                for index in 0..<placeholderCount where index != deviceIndex && index != metricIndex {
                    labels[placeholders[index]] = value(index)
                }
            }
            return TopicMatch(device: value(deviceIndex), labels: labels, metric: metricIndex.map(value))
        }
    }

    /// Walks the levels once; on success `ranges` holds start/end of every placeholder level.
    private func capture(bytes: UnsafeBufferPointer<UInt8>, into ranges: UnsafeMutableBufferPointer<Int>) -> Bool {
        let slash = UInt8(ascii: "/")
        let count = bytes.count
        return literalBytes.withUnsafeBufferPointer { literals in
            levelSpecs.withUnsafeBufferPointer { specs in
                var position = 0
                for level in 0..<specs.count {
                    var end = position
                    if level == specs.count - 1, endsWithMultiLevel {
                        // One or more levels, none empty: no leading, doubled or trailing '/'.
                        guard count > position, bytes[position] != slash, bytes[count - 1] != slash else { return false }
                        var index = position + 1
                        while index < count {
                            if bytes[index] == slash, bytes[index - 1] == slash { return false }
                            index += 1
                        }
                        end = count
                    }
                    while end < count && bytes[end] != slash { end += 1 }
                    let spec = specs[level]
                    if spec.length >= 0 {
                        guard end - position == spec.length else { return false }
                        for offset in 0..<spec.length where bytes[position + offset] != literals[spec.offset + offset] {
                            return false
                        }
                    } else {
                        guard end > position else { return false }
                        let index = -1 - spec.offset
                        ranges[2 * index] = position
                        ranges[2 * index + 1] = end
                    }
                    if level == specs.count - 1 {
                        guard end == count else { return false }
                    } else {
                        guard end < count else { return false }
                        position = end + 1
                    }
                }
                return true
            }
        }
    }

    /// Whether some topic could match both templates: the same number of levels (or at least as
    /// many as a final `{name+}` needs), and at every level both compare equal literals or at least
    /// one is a placeholder.
    public func overlaps(_ other: TopicTemplate) -> Bool {
        let mine = levelSpecs.count, theirs = other.levelSpecs.count
        switch (endsWithMultiLevel, other.endsWithMultiLevel) {
        case (false, false): guard mine == theirs else { return false }
        case (true, false): guard theirs >= mine else { return false }
        case (false, true): guard mine >= theirs else { return false }
        case (true, true): break
        }
        for (mine, theirs) in zip(levelSpecs, other.levelSpecs) where mine.length >= 0 && theirs.length >= 0 {
            let myBytes = literalBytes[mine.offset..<(mine.offset + mine.length)]
            let theirBytes = other.literalBytes[theirs.offset..<(theirs.offset + theirs.length)]
            if !myBytes.elementsEqual(theirBytes) { return false }
        }
        return true
    }

    /// The concrete topic for a device (the simulator's and `replay --publish`'s direction).
    /// A label missing from `labels` renders as its own name.
    public func render(device: String, labels: [String: String] = [:], metric: String? = nil) -> String {
        var parts: [String] = []
        parts.reserveCapacity(levelSpecs.count)
        for spec in levelSpecs {
            if spec.length >= 0 {
                parts.append(String(decoding: literalBytes[spec.offset..<(spec.offset + spec.length)], as: UTF8.self))
            } else {
                let name = placeholders[-1 - spec.offset]
                switch name {
                case "device": parts.append(device)
                case "metric": parts.append(metric ?? name)
                default: parts.append(labels[name] ?? name)
                }
            }
        }
        return parts.joined(separator: "/")
    }

    static func isIdentifier(_ name: String) -> Bool {
        guard let first = name.utf8.first, !(first >= UInt8(ascii: "0") && first <= UInt8(ascii: "9")) else {
            return false
        }
        return name.utf8.allSatisfy { byte in
            (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")) || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
                || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")) || byte == UInt8(ascii: "_")
        }
    }
}
