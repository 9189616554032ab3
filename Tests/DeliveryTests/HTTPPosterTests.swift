import Delivery
import Foundation
import TestSupport
import XCTest

/// The HTTP client of the HTTP sinks against a real server on loopback: connections kept alive
/// and renewed, answers bounded in bytes, credentials from the URL.
final class HTTPPosterTests: XCTestCase {
    func testRequestsShareOneKeptAliveConnection() throws {
        let receiver = try HTTPReceiver { _ in .status(200, body: "ok") }
        let poster = HTTPPoster(timeout: 2000)
        defer { poster.shutdown() }
        let url = try XCTUnwrap(URL(string: receiver.url + "/hook"))
        for n in 1...5 {
            let response = try poster.post(url, body: Array("{\"n\":\(n)}".utf8), headers: [])
            XCTAssertEqual(response.status, 200)
            XCTAssertEqual(response.body, "ok")
        }
        XCTAssertEqual(receiver.requests.map(\.text), (1...5).map { "{\"n\":\($0)}" })
        XCTAssertEqual(receiver.acceptedConnections, 1)
        XCTAssertEqual(receiver.requests.first?.headers["content-length"], "7")
        XCTAssertEqual(receiver.requests.first?.headers["host"], "127.0.0.1:\(receiver.port)")
    }

    func testAConnectionTheReceiverClosedMeanwhileIsReplacedWithoutAFailure() throws {
        let receiver = try HTTPReceiver { _ in .status(204) }
        let poster = HTTPPoster(timeout: 2000)
        defer { poster.shutdown() }
        let url = try XCTUnwrap(URL(string: receiver.url))
        XCTAssertEqual(try poster.post(url, body: Array("1".utf8), headers: []).status, 204)
        receiver.stop()  // drops the kept-alive connection
        try receiver.start()
        XCTAssertEqual(try poster.post(url, body: Array("2".utf8), headers: []).status, 204)
        XCTAssertEqual(receiver.requests.map(\.text), ["1", "2"])
        XCTAssertEqual(receiver.acceptedConnections, 2)
    }

    func testAHugeAnswerIsCutAtTheBoundAndItsStatusStillCounts() throws {
        let huge = String(repeating: "x", count: 1 << 20)
        let receiver = try HTTPReceiver { _ in .status(200, body: huge) }
        let poster = HTTPPoster(timeout: 5000)
        defer { poster.shutdown() }
        let url = try XCTUnwrap(URL(string: receiver.url))
        let response = try poster.post(url, body: [], headers: [])
        XCTAssertEqual(response.status, 200)
        XCTAssertEqual(response.verdict, .confirmed)
        XCTAssertEqual(response.body.utf8.count, HTTPPoster.maximumResponseBytes)
        receiver.answer { _ in .status(503, body: "later") }
        let next = try poster.post(url, body: [], headers: [])
        XCTAssertEqual(next.status, 503, "the cut connection was dropped, a new one answers")
        XCTAssertEqual(next.verdict, .retry)
    }

    func testAReceiverThatClosesWithoutAnsweringIsAFailure() throws {
        let receiver = try HTTPReceiver { _ in .close }
        let poster = HTTPPoster(timeout: 2000)
        defer { poster.shutdown() }
        let url = try XCTUnwrap(URL(string: receiver.url))
        XCTAssertThrowsError(try poster.post(url, body: [], headers: [])) { error in
            XCTAssertTrue("\(error)".contains("closed the connection without answering"), "\(error)")
        }
        XCTAssertEqual(receiver.requests.count, 1, "a fresh connection is not tried twice")
    }

    func testCredentialsInTheURLAreSentAsBasicAuthorization() throws {
        let receiver = try HTTPReceiver { _ in .status(200) }
        let poster = HTTPPoster(timeout: 2000)
        defer { poster.shutdown() }
        let url = try XCTUnwrap(URL(string: "http://alert%40ops:p%3Ass@127.0.0.1:\(receiver.port)/in"))
        _ = try poster.post(url, body: [], headers: [])
        let expected = "Basic " + Data("alert@ops:p:ss".utf8).base64EncodedString()
        XCTAssertEqual(receiver.requests.first?.headers["authorization"], expected)
    }

    func testAURLThatIsNotHTTPIsRefusedWithTheReason() throws {
        let poster = HTTPPoster(timeout: 1000)
        defer { poster.shutdown() }
        XCTAssertThrowsError(try poster.post(try XCTUnwrap(URL(string: "ftp://example.org/x")), body: [], headers: [])) { error in
            XCTAssertTrue("\(error)".contains("only http:// and https://"), "\(error)")
        }
    }
}
