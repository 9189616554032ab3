/// One lexical token of the rule expression language, with its scalar range in the source.
struct Token: Hashable {
    enum Kind: Hashable {
        case number(Double)
        /// Milliseconds.
        case duration(Int64)
        case string(String)
        case identifier(String)
        case and, or, not, `true`, `false`
        case plus, minus, star, slash, percent
        case less, lessEqual, greater, greaterEqual, equal, notEqual
        case leftParen, rightParen, comma
        case end
    }

    var kind: Kind
    var start: Int
    var end: Int

    var length: Int { max(1, end - start) }

    var spelling: String {
        switch kind {
        case .number(let value): value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(value)
        case .duration(let ms): RuleDuration.format(ms)
        case .string(let text): "\"\(text)\""
        case .identifier(let name): name
        case .and: "and"
        case .or: "or"
        case .not: "not"
        case .true: "true"
        case .false: "false"
        case .plus: "+"
        case .minus: "-"
        case .star: "*"
        case .slash: "/"
        case .percent: "%"
        case .less: "<"
        case .lessEqual: "<="
        case .greater: ">"
        case .greaterEqual: ">="
        case .equal: "=="
        case .notEqual: "!="
        case .leftParen: "("
        case .rightParen: ")"
        case .comma: ","
        case .end: "end of expression"
        }
    }
}
