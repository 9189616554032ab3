/// A value bound to a statement whose SQL is assembled at run time (optional filter clauses).
enum SQLArgument: Sendable, Hashable {
    case integer(Int64)
    case text(String)

    func bind(to statement: RawStatement, at index: CInt) throws {
        switch self {
        case .integer(let value): try statement.bind(index, value)
        case .text(let value): try statement.bind(index, value)
        }
    }
}
