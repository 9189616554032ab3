@testable import Bridge
import Foundation
@testable import Replay
import Rules
import Storage
import Telemetry
import TestSupport
import XCTest

/// `replay --report`: one self-contained HTML file (no external URL, no script) whose charts
/// carry data, alert bands where alerts fired, and the alert table.
final class ReplayReportTests: XCTestCase {
    private var fixture: ReplayFixture!

    override func setUpWithError() throws {
        fixture = try ReplayFixture()
        try fixture.standardHistory()
    }

    override func tearDown() {
        fixture.remove()
    }

    private func writeReport(_ extra: [String] = []) throws -> (html: String, stdout: String, stderr: String) {
        let path = fixture.directory.file("report.html")
        let result = try BridgeProcess.command(
            ["replay", "--db", fixture.database, "--devices", RepositoryPaths.devices, "--rules",
             fixture.rulesDirectory(), "--report", path, "--format", "csv"] + extra,
            directory: fixture.directory, name: "report")
        XCTAssertEqual(result.status, 0, result.stderr)
        return (try String(contentsOfFile: path, encoding: .utf8), result.stdout, result.stderr)
    }

    /// The `<svg>...</svg>` blocks of a document.
    private func charts(_ html: String) -> [String] {
        html.components(separatedBy: "<svg").dropFirst().map { "<svg" + ($0.components(separatedBy: "</svg>").first ?? "") }
    }

    /// The coordinate pairs of the first `<tag ... points="...">` in `svg`.
    private func points(_ tag: String, in svg: String) -> [(Double, Double)] {
        guard let start = svg.range(of: "<\(tag) ") else { return [] }
        let rest = svg[start.upperBound...]
        guard let open = rest.range(of: "points=\"") else { return [] }
        let value = rest[open.upperBound...].prefix { $0 != "\"" }
        return value.split(separator: " ").compactMap { pair in
            let parts = pair.split(separator: ",").compactMap { Double($0) }
            return parts.count == 2 ? (parts[0], parts[1]) : nil
        }
    }

    func testReportIsSelfContainedWithNoExternalResource() throws {
        let html = try writeReport().html
        XCTAssertTrue(html.hasPrefix("<!DOCTYPE html>"))
        XCTAssertTrue(html.hasSuffix("</html>\n"))
        for forbidden in ["http://", "https://", "//cdn", "src=", "href=", "<script", "<link", "url(", "@import"] {
            XCTAssertFalse(html.contains(forbidden), "report contains \(forbidden)")
        }
    }

    func testEverySeriesHasAChartWithEnvelopeAndMeanInsideThePlot() throws {
        let html = try writeReport().html
        let svgs = charts(html)
        // gh-01, gh-02: temperature and humidity; q-01, q-02: temperature.
        XCTAssertEqual(svgs.count, 6)
        for svg in svgs {
            let mean = points("polyline", in: svg)
            let envelope = points("polygon", in: svg)
            XCTAssertGreaterThanOrEqual(mean.count, 2, svg)
            XCTAssertEqual(envelope.count % 2, 0, svg)
            XCTAssertFalse(envelope.isEmpty, svg)
            for (x, y) in mean + envelope {
                XCTAssertTrue((64...888).contains(x) && (10...158).contains(y), "point \(x),\(y) outside the plot: \(svg)")
            }
        }
    }

    func testAlertsAreBandsOnTheDeviceChartsAndRowsInTheTable() throws {
        let (html, stdout, stderr) = try writeReport()
        let sections = html.components(separatedBy: "<section class=\"device\">").dropFirst()
        let gh01 = try XCTUnwrap(sections.first { $0.hasPrefix("<h3>gh-01 ") })
        let gh02 = try XCTUnwrap(sections.first { $0.hasPrefix("<h3>gh-02 ") })
        XCTAssertEqual(gh01.components(separatedBy: "<rect class=\"band critical\"").count - 1, 2, "one band per chart")
        XCTAssertTrue(gh01.contains("<title>TooHot 2027-01-15T08:04:00Z to 2027-01-15T08:05:00Z</title>"))
        XCTAssertFalse(gh02.contains("class=\"band"))
        XCTAssertTrue(html.contains("<td>2027-01-15T08:04:00Z</td><td>AlertRaised</td><td>TooHot</td><td>gh-01</td>"))
        XCTAssertTrue(html.contains("<tr><td>TooHot</td><td>critical</td><td>1</td><td>1</td></tr>"))
        XCTAssertTrue(html.contains("<tr><th>Readings</th><td>\(try fixture.store.readingCount())</td></tr>"))
        // The events still go to standard output; no progress bar when standard error is a file.
        XCTAssertTrue(stdout.hasPrefix("type,alert,device,at,value,severity,message\n"))
        XCTAssertFalse(stderr.contains("\r"))
    }

    func testBucketsKeepMinimumMaximumAndMean() {
        var series = ReportSeries(start: 0, end: 1_000, buckets: 10)
        for (time, value) in [(0, 4.0), (50, 8.0), (99, 6.0), (500, -1.0)] { series.add(timestamp: Int64(time), value: value) }
        XCTAssertEqual(series.minimum[0], 4)
        XCTAssertEqual(series.maximum[0], 8)
        XCTAssertEqual(series.mean(0), 6)
        XCTAssertNil(series.mean(1))
        XCTAssertEqual(series.mean(5), -1)
        XCTAssertEqual(series.low, -1)
        XCTAssertEqual(series.high, 8)
    }
}
