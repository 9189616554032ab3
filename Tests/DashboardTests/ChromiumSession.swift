import Foundation
#if canImport(Glibc)
import Glibc
#endif
import TestSupport

/// Headless chromium driven over the DevTools protocol on `--remote-debugging-pipe` (fd 3 in,
/// fd 4 out, NUL-terminated JSON): for tests that click and type, where `--dump-dom` only reads.
/// JavaScript dialogs (`prompt`) are answered from ``dialogAnswers`` in order.
///
/// Blocking: call it off the cooperative pool (see ``run(_:)``).
final class ChromiumSession: @unchecked Sendable {
    private let pid: pid_t
    private let input: Int32
    private let output: Int32
    private let condition = NSCondition()
    private var responses: [Int: [String: Any]] = [:]
    private var nextID = 1
    private var closed = false
    private var answers: [String] = []
    private(set) var dialogs: [String] = []
    private var sessionID: String?

    init(chromium: String, profile: String) throws {
        var toChrome: [Int32] = [0, 0]
        var fromChrome: [Int32] = [0, 0]
        guard pipe(&toChrome) == 0, pipe(&fromChrome) == 0 else { throw TestSupportError("pipe failed") }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, toChrome[0], 3)
        posix_spawn_file_actions_adddup2(&actions, fromChrome[1], 4)
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        let arguments = [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
                         "--disable-extensions", "--user-data-dir=\(profile)", "--window-size=1280,900",
                         "--remote-debugging-pipe", "about:blank"]
        var argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        var child: pid_t = 0
        let status = posix_spawn(&child, chromium, &actions, nil, &argv, environ)
        Glibc.close(toChrome[0])
        Glibc.close(fromChrome[1])
        guard status == 0 else { throw TestSupportError("cannot start \(chromium): \(status)") }
        pid = child
        input = toChrome[1]
        output = fromChrome[0]
        let reader = Thread { [self] in readLoop() }
        reader.start()
    }

    /// Runs blocking work on a dispatch thread, so the cooperative pool keeps serving the server.
    static func run<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async { continuation.resume(with: Result { try work() }) }
        }
    }

    /// Answers for the next `prompt` dialogs, in order.
    func answerDialogs(_ texts: [String]) {
        condition.lock()
        answers += texts
        condition.unlock()
    }

    /// Opens `url` in a new tab and attaches to it; later commands go to that tab.
    func open(_ url: String) throws {
        let target = try send("Target.createTarget", ["url": "about:blank"])
        guard let targetID = target["targetId"] as? String else { throw TestSupportError("no targetId: \(target)") }
        let attached = try send("Target.attachToTarget", ["targetId": targetID, "flatten": true])
        guard let session = attached["sessionId"] as? String else { throw TestSupportError("no sessionId: \(attached)") }
        sessionID = session
        _ = try send("Page.enable", [:])
        _ = try send("Page.navigate", ["url": url])
    }

    /// The value of a JavaScript expression in the tab (promises awaited).
    func evaluate(_ expression: String) throws -> Any? {
        let result = try send("Runtime.evaluate", ["expression": expression, "returnByValue": true, "awaitPromise": true])
        if let exception = result["exceptionDetails"] { throw TestSupportError("\(expression) threw: \(exception)") }
        return (result["result"] as? [String: Any])?["value"]
    }

    /// Evaluates `expression` until it is true or `seconds` pass.
    func waitFor(_ expression: String, seconds: Double = 30) throws -> Bool {
        let deadline = Date(timeIntervalSinceNow: seconds)
        while Date() < deadline {
            if try evaluate(expression) as? Bool == true { return true }
            condition.lock()
            _ = condition.wait(until: Date(timeIntervalSinceNow: 0.05))
            condition.unlock()
        }
        return false
    }

    func close() {
        _ = try? send("Browser.close", [:], inSession: false, timeout: 5)
        kill(pid, SIGKILL)
        var status: Int32 = 0
        waitpid(pid, &status, 0)
        Glibc.close(input)
    }

    @discardableResult
    func send(_ method: String, _ params: [String: Any], inSession: Bool = true, timeout: Double = 30) throws -> [String: Any] {
        condition.lock()
        let id = nextID
        nextID += 1
        condition.unlock()
        var message: [String: Any] = ["id": id, "method": method, "params": params]
        if inSession, let sessionID { message["sessionId"] = sessionID }
        try write(message)
        let deadline = Date(timeIntervalSinceNow: timeout)
        condition.lock()
        defer { condition.unlock() }
        while responses[id] == nil, !closed {
            guard condition.wait(until: deadline) else { throw TestSupportError("\(method): no answer within \(timeout) s") }
        }
        guard let response = responses.removeValue(forKey: id) else { throw TestSupportError("\(method): chromium closed the pipe") }
        if let error = response["error"] { throw TestSupportError("\(method) failed: \(error)") }
        return response["result"] as? [String: Any] ?? [:]
    }

    private func write(_ message: [String: Any]) throws {
        var bytes = Array(try JSONSerialization.data(withJSONObject: message))
        bytes.append(0)
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { Glibc.write(input, $0.baseAddress, $0.count) }
            guard written > 0 else { throw TestSupportError("writing to chromium failed") }
            offset += written
        }
    }

    private func readLoop() {
        var pending: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(output, $0.baseAddress, $0.count) }
            guard count > 0 else { break }
            pending += buffer[0..<count]
            while let end = pending.firstIndex(of: 0) {
                let message = Array(pending[..<end])
                pending.removeSubrange(...end)
                guard let object = (try? JSONSerialization.jsonObject(with: Data(message))) as? [String: Any] else { continue }
                handle(object)
            }
        }
        condition.lock()
        closed = true
        condition.broadcast()
        condition.unlock()
        Glibc.close(output)
    }

    private func handle(_ object: [String: Any]) {
        if let id = object["id"] as? Int {
            condition.lock()
            responses[id] = object
            condition.broadcast()
            condition.unlock()
        } else if object["method"] as? String == "Page.javascriptDialogOpening" {
            let params = object["params"] as? [String: Any] ?? [:]
            condition.lock()
            dialogs.append(params["message"] as? String ?? "")
            let answer = answers.isEmpty ? nil : answers.removeFirst()
            let id = nextID
            nextID += 1
            condition.unlock()
            var reply: [String: Any] = ["id": id, "method": "Page.handleJavaScriptDialog",
                                        "params": ["accept": answer != nil, "promptText": answer ?? ""]]
            if let session = object["sessionId"] { reply["sessionId"] = session }
            try? write(reply)
        }
    }
}
