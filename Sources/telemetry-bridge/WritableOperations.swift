import Operations
import Storage
import Synchronization

/// Operators' commands for `serve`, whose store is read-only: the database is opened for writing
/// on the first command (and kept), so a dashboard over a running bridge's database can
/// acknowledge and silence like `alerts ack` does; a database that cannot be written refuses the
/// command with the reason (503).
final class WritableOperations: Sendable {
    private let path: String
    private let operations = Mutex<AlertOperator?>(nil)

    init(path: String) {
        self.path = path
    }

    func perform(_ command: OperatorCommand, now: Int64) throws(OperatorError) -> LoggedAlertEvent {
        let operations = try self.operations.withLock { (current: inout AlertOperator?) throws(OperatorError) -> AlertOperator in
            if let current { return current }
            do {
                let opened = AlertOperator(store: try TelemetryStore(path: path))
                current = opened
                return opened
            } catch {
                throw OperatorError(.unavailable, "cannot open \(path) for writing: \(error)")
            }
        }
        return try command.perform(with: operations, now: now)
    }
}
