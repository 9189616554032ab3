import Telemetry

/// Which devices a rule applies to: every device of one type, or devices whose id matches a glob.
public enum DeviceSelector: Sendable, Hashable, CustomStringConvertible {
    case type(String)
    /// `*` matches any run of characters, `?` exactly one.
    case glob(String)

    public var description: String {
        switch self {
        case .type(let name): name
        case .glob(let pattern): pattern
        }
    }

    static func isGlob(_ text: String) -> Bool {
        text.contains("*") || text.contains("?")
    }

    func matches(_ device: Device) -> Bool {
        switch self {
        case .type(let name): device.type == name
        case .glob(let pattern): Self.glob(Array(pattern.utf8)[...], matches: Array(device.id.utf8)[...])
        }
    }

    /// Iterative wildcard match with single backtracking point: linear in practice.
    static func glob(_ pattern: ArraySlice<UInt8>, matches text: ArraySlice<UInt8>) -> Bool {
        var p = pattern.startIndex, t = text.startIndex
        var starP: Int?, starT = 0
        while t < text.endIndex {
            if p < pattern.endIndex, pattern[p] == UInt8(ascii: "?") || pattern[p] == text[t] {
                p += 1
                t += 1
            } else if p < pattern.endIndex, pattern[p] == UInt8(ascii: "*") {
                starP = p
                starT = t
                p += 1
            } else if let star = starP {
                p = star + 1
                starT += 1
                t = starT
            } else {
                return false
            }
        }
        while p < pattern.endIndex, pattern[p] == UInt8(ascii: "*") { p += 1 }
        return p == pattern.endIndex
    }
}
