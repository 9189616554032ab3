/// Checks topic names and filters before they reach the broker, with clear errors.
enum TopicValidator {
    /// A topic to publish to: 1...65535 bytes, no wildcards, no NUL.
    static func validateTopicName(_ topic: String) throws(MQTTError) {
        let count = topic.utf8.count
        if count == 0 { throw .invalidTopic(topic, reason: "empty") }
        if count > 65535 { throw .invalidTopic(String(topic.prefix(64)) + "…", reason: "longer than 65535 bytes") }
        for byte in topic.utf8 {
            switch byte {
            case UInt8(ascii: "+"), UInt8(ascii: "#"):
                throw .invalidTopic(topic, reason: "wildcards + and # are not allowed when publishing")
            case 0:
                throw .invalidTopic(topic, reason: "contains a NUL character")
            default:
                continue
            }
        }
    }

    /// A subscription filter: `+` must fill a whole level, `#` must be the whole last level.
    static func validateTopicFilter(_ filter: String) throws(MQTTError) {
        let bytes = Array(filter.utf8)
        if bytes.isEmpty { throw .invalidTopic(filter, reason: "empty") }
        if bytes.count > 65535 { throw .invalidTopic(String(filter.prefix(64)) + "…", reason: "longer than 65535 bytes") }
        for (index, byte) in bytes.enumerated() {
            let levelStart = index == 0 || bytes[index - 1] == UInt8(ascii: "/")
            let levelEnd = index == bytes.count - 1 || bytes[index + 1] == UInt8(ascii: "/")
            switch byte {
            case UInt8(ascii: "+"):
                if !(levelStart && levelEnd) {
                    throw .invalidTopic(filter, reason: "+ must occupy a whole topic level")
                }
            case UInt8(ascii: "#"):
                if !(levelStart && index == bytes.count - 1) {
                    throw .invalidTopic(filter, reason: "# must be the last topic level")
                }
            case 0:
                throw .invalidTopic(filter, reason: "contains a NUL character")
            default:
                continue
            }
        }
    }
}
