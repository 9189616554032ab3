import Foundation
import Telemetry

/// Writes rows as CSV: header `device,metric,timestamp,value,unit,labels`, timestamps in ISO 8601
/// UTC with milliseconds, values in their shortest round-trip form, an empty `unit` when none,
/// and `labels` as a JSON object with sorted keys. Fields holding a comma, quote, CR or LF are
/// quoted as RFC 4180 says (quotes doubled). Lines end with LF.
public final class CSVExportWriter: ExportRowWriter {
    private let output: ExportOutput
    private var wroteHeader: Bool
    private var lastLabels: [String: String]?
    private var lastLabelsField: [UInt8] = []

    /// - Parameter sink: receives the CSV bytes in chunks of about 64 KiB.
    public init(includeHeader: Bool = true, sink: @escaping ([UInt8]) throws -> Void) {
        output = ExportOutput(sink: sink)
        wroteHeader = !includeHeader
    }

    public convenience init(fileHandle: FileHandle, includeHeader: Bool = true) {
        self.init(includeHeader: includeHeader) { bytes in try fileHandle.write(contentsOf: bytes) }
    }

    public func write(_ row: ExportRow) throws(ExportError) {
        if !wroteHeader {
            output.buffer.append(contentsOf: "device,metric,timestamp,value,unit,labels\n".utf8)
            wroteHeader = true
        }
        Self.appendField(row.device, to: &output.buffer)
        output.buffer.append(UInt8(ascii: ","))
        Self.appendField(row.metric, to: &output.buffer)
        output.buffer.append(UInt8(ascii: ","))
        ISO8601Timestamp.append(row.timestamp, to: &output.buffer)
        output.buffer.append(UInt8(ascii: ","))
        JSONWriter.appendShortest(row.value, to: &output.buffer)
        output.buffer.append(UInt8(ascii: ","))
        if let unit = row.unit {
            Self.appendField(unit, to: &output.buffer)
        }
        output.buffer.append(UInt8(ascii: ","))
        if lastLabels != row.labels {
            var json: [UInt8] = []
            JSONWriter.appendObject(row.labels, to: &json)
            lastLabelsField = []
            Self.appendField(bytes: json, to: &lastLabelsField)
            lastLabels = row.labels
        }
        output.buffer.append(contentsOf: lastLabelsField)
        output.buffer.append(UInt8(ascii: "\n"))
        try output.flushIfFull()
    }

    public func finish() throws(ExportError) {
        if !wroteHeader {
            output.buffer.append(contentsOf: "device,metric,timestamp,value,unit,labels\n".utf8)
            wroteHeader = true
        }
        try output.flush()
    }

    static func appendField(_ text: String, to output: inout [UInt8]) {
        var text = text
        text.withUTF8 { appendField(bytes: $0, to: &output) }
    }

    static func appendField<Bytes: Collection<UInt8>>(bytes: Bytes, to output: inout [UInt8]) {
        let needsQuotes = bytes.contains { byte in
            byte == UInt8(ascii: ",") || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\r")
        }
        guard needsQuotes else {
            output.append(contentsOf: bytes)
            return
        }
        output.append(UInt8(ascii: "\""))
        for byte in bytes {
            if byte == UInt8(ascii: "\"") { output.append(byte) }
            output.append(byte)
        }
        output.append(UInt8(ascii: "\""))
    }
}
