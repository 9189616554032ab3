import Telemetry
import XCTest

final class MessageTraceTests: XCTestCase {
    func testOnlyW3CTraceparentsAreKept() {
        XCTAssertTrue(MessageTrace.isTraceparent("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"))
        XCTAssertFalse(MessageTrace.isTraceparent("00-4BF92F3577B34DA6A3CE929D0E0E4736-00F067AA0BA902B7-01"), "upper case")
        XCTAssertFalse(MessageTrace.isTraceparent("00-00000000000000000000000000000000-00f067aa0ba902b7-01"), "zero trace id")
        XCTAssertFalse(MessageTrace.isTraceparent("00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01"), "zero parent id")
        XCTAssertFalse(MessageTrace.isTraceparent("ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"), "version ff")
        XCTAssertFalse(MessageTrace.isTraceparent("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra"))
        XCTAssertFalse(MessageTrace.isTraceparent(""))
        XCTAssertNil(MessageTrace(traceparent: "nonsense", correlationData: nil))
        XCTAssertNil(MessageTrace(traceparent: nil, correlationData: []))
    }

    func testCorrelationDataIsBounded() {
        let largest = [UInt8](repeating: 7, count: MessageTrace.maximumCorrelationBytes)
        XCTAssertEqual(MessageTrace(traceparent: nil, correlationData: largest)?.correlationData, largest)
        XCTAssertNil(MessageTrace(traceparent: nil, correlationData: largest + [7]))
        let trace = MessageTrace(traceparent: "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", correlationData: largest + [7])
        XCTAssertNil(trace?.correlationData, "too long is dropped, the trace context kept")
        XCTAssertNotNil(trace?.traceparent)
    }
}
