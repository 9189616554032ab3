/// Where the parts of one device type were written, so catalog checks can point at the node.
struct DeviceTypeSource: Sendable {
    /// A part of a device type definition that a diagnostic can point at.
    enum Anchor: Hashable, Sendable {
        case root, type, topic, format, timestamp, sequence, interval
        case metric(Int), metricPath(Int), metricMin(Int), metricMax(Int)
    }

    struct Position: Hashable, Sendable {
        var line: Int
        var column: Int
    }

    var file: String
    var positions: [Anchor: Position]

    /// A type built in code: every anchor points at its index in the list (1-based line).
    static func programmatic(index: Int) -> DeviceTypeSource {
        DeviceTypeSource(file: "<types>", positions: [.root: Position(line: index + 1, column: 1)])
    }

    /// The anchor's position, falling back to the enclosing node when the exact one is unknown.
    func position(_ anchor: Anchor) -> Position {
        if let position = positions[anchor] { return position }
        switch anchor {
        case .metricPath(let index), .metricMin(let index), .metricMax(let index):
            return position(.metric(index))
        default:
            return positions[.root] ?? Position(line: 1, column: 1)
        }
    }

    func diagnostic(_ anchor: Anchor, _ message: String) -> CatalogDiagnostic {
        let position = position(anchor)
        return CatalogDiagnostic(file: file, line: position.line, column: position.column, message: message)
    }

    /// `file:line:column` of an anchor, for messages that refer to another definition.
    func reference(_ anchor: Anchor) -> String {
        let position = position(anchor)
        return "\(file):\(position.line):\(position.column)"
    }
}
