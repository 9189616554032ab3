import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import TestSupport
import XCTest

/// What a GET to the daemon's dashboard answered.
struct HTTPAnswer {
    var status: Int
    var contentType: String?
    var body: String
}

/// GETs `path` from 127.0.0.1:`port` (20 s deadline).
func httpGet(_ port: UInt16, _ path: String) throws -> HTTPAnswer {
    try httpRequest(port, path)
}

/// Sends `method` with `body` to `path` on 127.0.0.1:`port` (20 s deadline).
func httpRequest(_ port: UInt16, _ path: String, method: String = "GET", body: String? = nil) throws -> HTTPAnswer {
    let url = try XCTUnwrap(URL(string: "http://127.0.0.1:\(port)\(path)"))
    var request = URLRequest(url: url)
    request.httpMethod = method
    if let body {
        request.httpBody = Data(body.utf8)
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
    }
    let answer = LockedAnswer()
    let done = DispatchSemaphore(value: 0)
    let task = URLSession.shared.dataTask(with: request) { data, response, error in
        let http = response as? HTTPURLResponse
        answer.set(http.map {
            HTTPAnswer(status: $0.statusCode, contentType: $0.value(forHTTPHeaderField: "Content-Type"),
                       body: String(decoding: data ?? Data(), as: UTF8.self))
        }, error: error)
        done.signal()
    }
    task.resume()
    guard done.wait(timeout: .now() + 20) == .success else { throw TestSupportError("\(method) \(path) timed out") }
    return try answer.get(path)
}

private final class LockedAnswer: @unchecked Sendable {
    private let lock = NSLock()
    private var answer: HTTPAnswer?
    private var error: (any Error)?

    func set(_ answer: HTTPAnswer?, error: (any Error)?) {
        lock.lock()
        defer { lock.unlock() }
        self.answer = answer
        self.error = error
    }

    func get(_ path: String) throws -> HTTPAnswer {
        lock.lock()
        defer { lock.unlock() }
        guard let answer else { throw TestSupportError("GET \(path) failed: \(error.map { "\($0)" } ?? "no response")") }
        return answer
    }
}
