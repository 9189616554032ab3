import TestSupport
import XCTest

/// The test's Prometheus text reader is strict: it must reject what a scraper would.
final class MetricsTextTests: XCTestCase {
    func testReadsCommentsSamplesLabelsAndHistogramSeries() throws {
        let text = try MetricsText("""
            # HELP a_total Things.
            # TYPE a_total counter
            a_total{reason="x \\"y\\"",kind="b"} 3
            # TYPE h histogram
            h_bucket{le="0.5"} 1
            h_bucket{le="+Inf"} 2
            h_sum 0.75
            h_count 2

            """)
        XCTAssertEqual(text.value("a_total", ["reason": "x \"y\"", "kind": "b"]), 3)
        XCTAssertEqual(text.value("h_bucket", ["le": "+Inf"]), 2)
        XCTAssertEqual(text.value("h_count"), 2)
        XCTAssertEqual(text.types, ["a_total": "counter", "h": "histogram"])
    }

    func testRejectsWhatIsNotTheTextFormat() {
        let bad = [
            "# TYPE a counter\na 1",  // no final line feed
            "a 1\n",  // no # TYPE
            "# TYPE a counter\na{b=\"1\" 1\n",  // unterminated labels
            "# TYPE a counter\na{b=1} 1\n",  // unquoted label value
            "# TYPE a counter\na  1\n",  // two spaces
            "# TYPE a counter\na one\n",  // not a number
            "# TYPE a counter\n\n",  // empty line
            "# TYPE a widget\n",  // unknown type
            "# TYPE 1a counter\n",  // bad name
            "# TYPE a counter\n# TYPE a counter\n",  // repeated family
            "# TYPE a counter\na{b=\"1\",b=\"2\"} 1\n",  // repeated label
        ]
        for text in bad {
            XCTAssertThrowsError(try MetricsText(text), text.debugDescription)
        }
    }
}
