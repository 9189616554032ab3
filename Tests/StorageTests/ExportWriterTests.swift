import Foundation
@testable import Storage
import Telemetry
import XCTest

final class ExportWriterTests: XCTestCase {
    private func row(
        device: String = "gh-07", type: String = "climate", metric: String = "temperature", unit: String? = "°C",
        timestamp: Int64 = 1_795_429_500_000, value: Double = 21.5, labels: [String: String] = ["site": "north"]
    ) -> ExportRow {
        ExportRow(device: device, deviceType: type, metric: metric, unit: unit, timestamp: timestamp, value: value, labels: labels)
    }

    private func csv(_ rows: [ExportRow]) throws -> String {
        var bytes: [UInt8] = []
        let writer = CSVExportWriter { bytes += $0 }
        for row in rows { try writer.write(row) }
        try writer.finish()
        return String(decoding: bytes, as: UTF8.self)
    }

    private func jsonLines(_ rows: [ExportRow]) throws -> [String] {
        var bytes: [UInt8] = []
        let writer = JSONLinesExportWriter { bytes += $0 }
        for row in rows { try writer.write(row) }
        try writer.finish()
        let text = String(decoding: bytes, as: UTF8.self)
        XCTAssertTrue(text.hasSuffix("\n"))
        return text.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init)
    }

    func testCSVHeaderAndPlainRow() throws {
        XCTAssertEqual(try csv([row(), row(unit: nil, timestamp: 0, value: 3, labels: [:])]), """
            device,metric,timestamp,value,unit,labels
            gh-07,temperature,2026-11-23T10:25:00.000Z,21.5,°C,"{""site"":""north""}"
            gh-07,temperature,1970-01-01T00:00:00.000Z,3,,{}

            """)
        XCTAssertEqual(try csv([]), "device,metric,timestamp,value,unit,labels\n")
    }

    func testCSVQuotesCommasQuotesAndNewlines() throws {
        let text = try csv([row(device: "a,b", metric: "say \"hi\"", unit: "line\nbreak", labels: ["k,1": "v\"2", "z": "cr\r"])])
        let expected = "device,metric,timestamp,value,unit,labels\n"
            + #""a,b","say ""hi""",2026-11-23T10:25:00.000Z,21.5,"line"# + "\n"
            + #"break","{""k,1"":""v\""2"",""z"":""cr\r""}""# + "\n"
        XCTAssertEqual(text, expected)
        // Parse it back with a minimal RFC 4180 reader.
        let records = parseCSV(text)
        XCTAssertEqual(records.count, 2)
        XCTAssertEqual(records[1], ["a,b", "say \"hi\"", "2026-11-23T10:25:00.000Z", "21.5", "line\nbreak", #"{"k,1":"v\"2","z":"cr\r"}"#])
        let labels = try JSONSerialization.jsonObject(with: Data(records[1][5].utf8)) as? [String: String]
        XCTAssertEqual(labels, ["k,1": "v\"2", "z": "cr\r"])
    }

    func testValuesUseShortestRoundTripForm() throws {
        let values: [Double] = [0.1, 1.0 / 3.0, -2, 1e21, .leastNonzeroMagnitude, 123456.789, -0.0]
        let records = parseCSV(try csv(values.map { row(value: $0) }))
        let texts = records.dropFirst().map { $0[3] }
        XCTAssertEqual(texts, ["0.1", "0.3333333333333333", "-2", "1e+21", "5e-324", "123456.789", "-0"])
        XCTAssertEqual(texts.map { Double($0) }, values)
    }

    func testTimestampsAreISO8601UTCWithMilliseconds() {
        XCTAssertEqual(ISO8601Timestamp.string(0), "1970-01-01T00:00:00.000Z")
        XCTAssertEqual(ISO8601Timestamp.string(1_795_429_500_123), "2026-11-23T10:25:00.123Z")
        XCTAssertEqual(ISO8601Timestamp.string(951_782_400_000), "2000-02-29T00:00:00.000Z")
        XCTAssertEqual(ISO8601Timestamp.string(-1), "1969-12-31T23:59:59.999Z")
        XCTAssertEqual(ISO8601Timestamp.string(253_402_300_799_999), "9999-12-31T23:59:59.999Z")
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        for ms in stride(from: Int64(-5_000_000_000_000), to: 5_000_000_000_000, by: 86_399_937_123) {
            XCTAssertEqual(ISO8601Timestamp.string(ms), formatter.string(from: Date(timeIntervalSince1970: Double(ms) / 1000)))
        }
    }

    func testJSONLinesEscapingRoundTripsThroughJSONSerialization() throws {
        let nasty = "q\"b\\s/\n\r\t\u{08}\u{0C}\u{01}\u{1F} é 😀 \u{2028}"
        let rows = [
            row(device: nasty, type: "t\"", metric: "m\n", unit: nasty, value: -0.1, labels: [nasty: nasty, "b": ""]),
            row(unit: nil, value: .infinity, labels: [:]),
            row(),
        ]
        let lines = try jsonLines(rows)
        XCTAssertEqual(lines.count, 3)
        let first = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(lines[0].utf8)) as? [String: Any])
        XCTAssertEqual(first["device"] as? String, nasty)
        XCTAssertEqual(first["type"] as? String, "t\"")
        XCTAssertEqual(first["metric"] as? String, "m\n")
        XCTAssertEqual(first["unit"] as? String, nasty)
        XCTAssertEqual(first["timestamp"] as? String, "2026-11-23T10:25:00.000Z")
        XCTAssertEqual(first["value"] as? Double, -0.1)
        XCTAssertEqual(first["labels"] as? [String: String], [nasty: nasty, "b": ""])
        let second = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(lines[1].utf8)) as? [String: Any])
        XCTAssertTrue(second["unit"] is NSNull)
        XCTAssertTrue(second["value"] is NSNull)
        XCTAssertEqual(second["labels"] as? [String: String], [:])
        XCTAssertEqual(lines[2], #"{"device":"gh-07","type":"climate","metric":"temperature","timestamp":"2026-11-23T10:25:00.000Z","value":21.5,"unit":"°C","labels":{"site":"north"}}"#)
    }

    func testOutputIsWrittenInLargeChunks() throws {
        var chunks: [Int] = []
        var bytes: [UInt8] = []
        let writer = JSONLinesExportWriter { chunks.append($0.count); bytes += $0 }
        for index in 0..<5000 {
            try writer.write(row(timestamp: Int64(index)))
            if index == 10 { XCTAssertEqual(chunks, []) }
        }
        try writer.finish()
        XCTAssertGreaterThan(chunks.count, 2)
        XCTAssertTrue(chunks.dropLast().allSatisfy { $0 >= 64 * 1024 && $0 < 65 * 1024 }, "\(chunks)")
        XCTAssertEqual(chunks.reduce(0, +), bytes.count)
        XCTAssertEqual(bytes.filter { $0 == UInt8(ascii: "\n") }.count, 5000)
    }

    func testSinkFailureSurfacesAsExportError() throws {
        struct Broken: Error {}
        let writer = CSVExportWriter { _ in throw Broken() }
        try writer.write(row())
        XCTAssertThrowsError(try writer.finish()) { error in
            guard case .output = error as? ExportError else { return XCTFail("\(error)") }
        }
    }

    func testFileHandleOutput() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.path("out.jsonl")
        XCTAssertTrue(FileManager.default.createFile(atPath: path, contents: nil))
        let handle = try XCTUnwrap(FileHandle(forWritingAtPath: path))
        let writer = ExportFormat.jsonl.makeWriter(fileHandle: handle)
        try writer.write(row())
        try writer.finish()
        try handle.close()
        XCTAssertEqual(try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").count, 1)
    }

    /// RFC 4180 records (quoted fields may hold separators, quotes doubled, line breaks).
    private func parseCSV(_ text: String) -> [[String]] {
        var records: [[String]] = []
        var record: [String] = []
        var field = ""
        var quoted = false
        var chars = Array(text)[...]
        while let char = chars.popFirst() {
            if quoted {
                if char == "\"" {
                    if chars.first == "\"" { field.append("\""); chars.removeFirst() } else { quoted = false }
                } else {
                    field.append(char)
                }
            } else if char == "\"" {
                quoted = true
            } else if char == "," {
                record.append(field); field = ""
            } else if char == "\n" {
                record.append(field); field = ""
                records.append(record); record = []
            } else {
                field.append(char)
            }
        }
        return records
    }
}
