/// Why exported rows could not be written out.
public enum ExportError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The output (file, pipe, stdout) rejected the bytes.
    case output(message: String)

    public var description: String {
        switch self {
        case .output(let message): "cannot write export output: \(message)"
        }
    }
}
