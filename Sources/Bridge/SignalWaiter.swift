import Dispatch
import Foundation
import Synchronization

/// Blocks until SIGINT or SIGTERM arrives (or `stop()` is called), so the daemon can shut down
/// in order: stop reading, commit what is buffered, disconnect, exit 0.
///
/// `@unchecked Sendable`: the dispatch sources are created in `init` and only cancelled in `deinit`.
public final class SignalWaiter: @unchecked Sendable {
    private final class FirstSignal: Sendable {
        let number = Atomic<Int32>(0)
    }

    private let semaphore = DispatchSemaphore(value: 0)
    private let received = FirstSignal()
    private var sources: [any DispatchSourceSignal] = []

    public init(signals: [Int32] = [SIGINT, SIGTERM]) {
        let queue = DispatchQueue(label: "telemetry-bridge.signals")
        for number in signals {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
            source.setEventHandler { [semaphore, received] in
                _ = received.number.compareExchange(expected: 0, desired: number, ordering: .relaxed)
                semaphore.signal()
            }
            source.resume()
            sources.append(source)
        }
    }

    /// Waits for a signal; returns its number (0 when stopped programmatically).
    public func wait() -> Int32 {
        semaphore.wait()
        return received.number.load(ordering: .relaxed)
    }

    /// Waits up to `timeout` for a signal; returns its number, or nil when the time ran out.
    public func wait(timeout: Duration) -> Int32? {
        let nanoseconds = timeout.components.seconds * 1_000_000_000 + timeout.components.attoseconds / 1_000_000_000
        guard semaphore.wait(timeout: .now() + .nanoseconds(Int(nanoseconds))) == .success else { return nil }
        return received.number.load(ordering: .relaxed)
    }

    public func stop() {
        semaphore.signal()
    }

    deinit {
        for source in sources { source.cancel() }
    }
}
