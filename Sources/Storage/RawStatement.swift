import GRDB
import GRDBSQLite

/// Direct access to a GRDB-owned prepared statement for the hot paths: binds and steps through
/// the SQLite C API, avoiding `StatementArguments` allocations per row. GRDB keeps ownership
/// (the statement comes from `cachedStatement`), so nothing here finalizes it.
struct RawStatement {
    let handle: SQLiteStatement
    let connection: SQLiteConnection

    init(_ db: Database, sql: String) throws {
        guard let connection = db.sqliteConnection else {
            throw DatabaseError(resultCode: .SQLITE_MISUSE, message: "database connection is closed")
        }
        self.connection = connection
        self.handle = try db.cachedStatement(sql: sql).sqliteStatement
        sqlite3_reset(handle)
        sqlite3_clear_bindings(handle)
    }

    private static var transient: sqlite3_destructor_type {
        unsafeBitCast(OpaquePointer(bitPattern: -1), to: sqlite3_destructor_type.self)
    }

    @inline(__always)
    func bind(_ index: CInt, _ value: Int64) throws {
        try check(sqlite3_bind_int64(handle, index, value))
    }

    @inline(__always)
    func bind(_ index: CInt, _ value: Double) throws {
        try check(sqlite3_bind_double(handle, index, value))
    }

    func bind(_ index: CInt, _ value: String) throws {
        var value = value
        let code = value.withUTF8 { bytes in
            bytes.withMemoryRebound(to: CChar.self) { chars in
                if let base = chars.baseAddress {
                    sqlite3_bind_text(handle, index, base, CInt(chars.count), Self.transient)
                } else {
                    // A NULL pointer would bind SQL NULL, not the empty string.
                    sqlite3_bind_text(handle, index, "", 0, Self.transient)
                }
            }
        }
        try check(code)
    }

    func bind(_ index: CInt, _ value: String?) throws {
        if let value {
            try bind(index, value)
        } else {
            try check(sqlite3_bind_null(handle, index))
        }
    }

    func bind(_ index: CInt, _ value: Int64?) throws {
        if let value {
            try bind(index, value)
        } else {
            try check(sqlite3_bind_null(handle, index))
        }
    }

    func bind(_ index: CInt, _ value: Double?) throws {
        if let value {
            try bind(index, value)
        } else {
            try check(sqlite3_bind_null(handle, index))
        }
    }

    func bind(_ index: CInt, bytes: [UInt8]) throws {
        if bytes.isEmpty {
            try check(sqlite3_bind_zeroblob(handle, index, 0))
            return
        }
        let code = bytes.withUnsafeBytes { buffer in
            sqlite3_bind_blob(handle, index, buffer.baseAddress, CInt(buffer.count), Self.transient)
        }
        try check(code)
    }

    /// Runs a statement that returns no row; returns the number of rows it changed.
    @inline(__always)
    @discardableResult
    func execute() throws -> Int {
        let code = sqlite3_step(handle)
        guard code == SQLITE_DONE else {
            sqlite3_reset(handle)
            throw error(code)
        }
        sqlite3_reset(handle)
        return Int(sqlite3_changes(connection))
    }

    /// Advances to the next row: true when a row is available, false when done (and reset).
    @inline(__always)
    func step() throws -> Bool {
        let code = sqlite3_step(handle)
        if code == SQLITE_ROW { return true }
        sqlite3_reset(handle)
        if code == SQLITE_DONE { return false }
        throw error(code)
    }

    func reset() {
        sqlite3_reset(handle)
    }

    /// The first row, decoded, then the statement is reset: a statement left on a row keeps its
    /// connection's read snapshot open, and later reads on that pooled connection would not see
    /// newer commits.
    func firstRow<T>(_ decode: (RawStatement) throws -> T) throws -> T? {
        defer { sqlite3_reset(handle) }
        return try step() ? try decode(self) : nil
    }

    @inline(__always)
    func int64(_ column: CInt) -> Int64 {
        sqlite3_column_int64(handle, column)
    }

    @inline(__always)
    func double(_ column: CInt) -> Double {
        sqlite3_column_double(handle, column)
    }

    func isNull(_ column: CInt) -> Bool {
        sqlite3_column_type(handle, column) == SQLITE_NULL
    }

    func string(_ column: CInt) -> String {
        guard let text = sqlite3_column_text(handle, column) else { return "" }
        let count = Int(sqlite3_column_bytes(handle, column))
        return String(decoding: UnsafeBufferPointer(start: text, count: count), as: UTF8.self)
    }

    func optionalString(_ column: CInt) -> String? {
        isNull(column) ? nil : string(column)
    }

    func optionalInt64(_ column: CInt) -> Int64? {
        isNull(column) ? nil : int64(column)
    }

    func optionalDouble(_ column: CInt) -> Double? {
        isNull(column) ? nil : double(column)
    }

    func bytes(_ column: CInt) -> [UInt8] {
        guard let blob = sqlite3_column_blob(handle, column) else { return [] }
        let count = Int(sqlite3_column_bytes(handle, column))
        return Array(UnsafeRawBufferPointer(start: blob, count: count))
    }

    @inline(__always)
    private func check(_ code: CInt) throws {
        if code != SQLITE_OK { throw error(code) }
    }

    private func error(_ code: CInt) -> DatabaseError {
        let message = String(cString: sqlite3_errmsg(connection))
        return DatabaseError(resultCode: ResultCode(rawValue: code), message: message, sql: String(cString: sqlite3_sql(handle)))
    }
}
