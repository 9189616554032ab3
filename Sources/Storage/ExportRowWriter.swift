import Foundation

/// Writes ``ExportRow``s in a file format, buffered: call ``finish()`` to flush the tail.
public protocol ExportRowWriter: AnyObject {
    func write(_ row: ExportRow) throws(ExportError)
    /// Writes out everything buffered. The writer must not be used afterwards.
    func finish() throws(ExportError)
}

/// The formats of `telemetry-bridge export`.
public enum ExportFormat: String, Sendable, CaseIterable {
    case csv
    case jsonl

    /// A writer for this format sending its output to `fileHandle`.
    public func makeWriter(fileHandle: FileHandle) -> any ExportRowWriter {
        switch self {
        case .csv: CSVExportWriter(fileHandle: fileHandle)
        case .jsonl: JSONLinesExportWriter(fileHandle: fileHandle)
        }
    }
}
