/// The static type of an expression node.
enum ValueType: String, Hashable {
    case number
    case condition
    case string

    var noun: String {
        switch self {
        case .number: "a number"
        case .condition: "a condition"
        case .string: "a string"
        }
    }
}
