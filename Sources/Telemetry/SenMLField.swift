/// The SenML (RFC 8428) record fields the decoder understands; the raw value is the slot index.
enum SenMLField: Int, CaseIterable {
    case baseName, baseTime, baseUnit, baseVersion, baseValue, baseSum
    case name, unit, value, boolValue, stringValue, dataValue, sum, time

    var key: String {
        switch self {
        case .baseName: "bn"
        case .baseTime: "bt"
        case .baseUnit: "bu"
        case .baseVersion: "bver"
        case .baseValue: "bv"
        case .baseSum: "bs"
        case .name: "n"
        case .unit: "u"
        case .value: "v"
        case .boolValue: "vb"
        case .stringValue: "vs"
        case .dataValue: "vd"
        case .sum: "s"
        case .time: "t"
        }
    }
}
