import Foundation
import Telemetry

/// Writes rows as JSON Lines, one object per line:
/// `{"device":"gh-07","type":"climate-sensor","metric":"temperature","timestamp":"2026-11-23T10:15:00.000Z","value":21.5,"unit":"°C","labels":{"site":"north"}}`.
/// `unit` is `null` when the series has none; non-finite values are written as `null`.
public final class JSONLinesExportWriter: ExportRowWriter {
    private let output: ExportOutput
    // Rows come grouped by series: the text before the timestamp and after the value is reused.
    private var lastDevice: String?
    private var lastType = ""
    private var lastMetric = ""
    private var prefix: [UInt8] = []
    private var lastUnit: String?
    private var lastLabels: [String: String]?
    private var suffix: [UInt8] = []

    /// - Parameter sink: receives the bytes in chunks of about 64 KiB.
    public init(sink: @escaping ([UInt8]) throws -> Void) {
        output = ExportOutput(sink: sink)
    }

    public convenience init(fileHandle: FileHandle) {
        self.init { bytes in try fileHandle.write(contentsOf: bytes) }
    }

    public func write(_ row: ExportRow) throws(ExportError) {
        if lastDevice != row.device || lastMetric != row.metric || lastType != row.deviceType {
            prefix = Array(#"{"device":"#.utf8)
            JSONWriter.appendString(row.device, to: &prefix)
            prefix.append(contentsOf: #","type":"#.utf8)
            JSONWriter.appendString(row.deviceType, to: &prefix)
            prefix.append(contentsOf: #","metric":"#.utf8)
            JSONWriter.appendString(row.metric, to: &prefix)
            prefix.append(contentsOf: #","timestamp":""#.utf8)
            lastDevice = row.device
            lastType = row.deviceType
            lastMetric = row.metric
        }
        if lastLabels == nil || lastUnit != row.unit || lastLabels != row.labels {
            suffix = Array(#","unit":"#.utf8)
            if let unit = row.unit {
                JSONWriter.appendString(unit, to: &suffix)
            } else {
                suffix.append(contentsOf: "null".utf8)
            }
            suffix.append(contentsOf: #","labels":"#.utf8)
            JSONWriter.appendObject(row.labels, to: &suffix)
            suffix.append(contentsOf: "}\n".utf8)
            lastUnit = row.unit
            lastLabels = row.labels
        }
        output.buffer.append(contentsOf: prefix)
        ISO8601Timestamp.append(row.timestamp, to: &output.buffer)
        output.buffer.append(contentsOf: #"","value":"#.utf8)
        JSONWriter.appendNumber(row.value, to: &output.buffer)
        output.buffer.append(contentsOf: suffix)
        try output.flushIfFull()
    }

    public func finish() throws(ExportError) {
        try output.flush()
    }
}
