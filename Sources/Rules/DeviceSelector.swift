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
        case .glob(let pattern): GlobPattern(pattern).matches(device.id)
        }
    }
}
