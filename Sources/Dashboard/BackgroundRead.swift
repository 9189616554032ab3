import Dispatch
import Foundation
import Storage
import Synchronization

/// A storage read run on a thread of its own while the caller does another: independent read
/// transactions (each on its own reader connection) overlap, so an answer built from several
/// costs the longest of them rather than their sum on a multi-core host. The caller must
/// ``wait()`` exactly once.
final class BackgroundRead<Value: Sendable>: Sendable {
    private let outcome = Mutex<Result<Value, StorageError>?>(nil)
    private let finished = DispatchSemaphore(value: 0)

    init(_ body: @escaping @Sendable () throws(StorageError) -> Value) {
        let thread = Thread { [self] in
            let result: Result<Value, StorageError>
            do throws(StorageError) {
                result = .success(try body())
            } catch {
                result = .failure(error)
            }
            outcome.withLock { $0 = result }
            finished.signal()
        }
        thread.start()
    }

    /// The read's value once it has finished; its error if it failed.
    func wait() throws(StorageError) -> Value {
        finished.wait()
        let result = outcome.withLock { $0 }
        switch result {
        case .success(let value)?: return value
        case .failure(let error)?: throw error
        case nil: throw StorageError.io(path: "", message: "background read ended without a result")
        }
    }
}
