import GRDB

extension StorageError {
    /// Classifies an error raised by GRDB or SQLite while working on the database at `path`.
    init(_ error: any Error, path: String) {
        if let error = error as? StorageError {
            self = error
            return
        }
        guard let error = error as? DatabaseError else {
            self = .sqlite(path: path, code: -1, message: String(describing: error))
            return
        }
        let message = error.message ?? "\(error.resultCode)"
        switch error.resultCode {
        case .SQLITE_FULL: self = .diskFull(path: path)
        case .SQLITE_IOERR: self = .io(path: path, message: message)
        case .SQLITE_NOTADB: self = .notADatabase(path: path)
        case .SQLITE_CANTOPEN: self = .cannotOpen(path: path, reason: message)
        case .SQLITE_READONLY: self = .readOnly(path: path)
        case .SQLITE_BUSY, .SQLITE_LOCKED: self = .busy(path: path, message: message)
        case .SQLITE_CORRUPT: self = .corrupt(path: path, message: message)
        default: self = .sqlite(path: path, code: error.resultCode.rawValue, message: message)
        }
    }

    /// Whether retrying the same work later may succeed.
    var isTransient: Bool {
        if case .busy = self { return true }
        return false
    }
}
