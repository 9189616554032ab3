import CMosquitto

/// MQTT 5 PUBLISH properties a message may carry; ignored on an MQTT 3.1.1 connection.
public struct MQTTPublishProperties: Sendable, Hashable {
    /// Request/response correlation (`correlation-data`): what a subscriber uses to trace a
    /// message back to what caused it. At most 65,535 bytes.
    public var correlationData: [UInt8]?
    /// `content-type`, e.g. `application/json`.
    public var contentType: String?
    /// User properties (name, value), in order; names may repeat.
    public var userProperties: [UserProperty]

    public struct UserProperty: Sendable, Hashable {
        public var name: String
        public var value: String

        public init(name: String, value: String) {
            self.name = name
            self.value = value
        }
    }

    public init(correlationData: [UInt8]? = nil, contentType: String? = nil, userProperties: [UserProperty] = []) {
        self.correlationData = correlationData
        self.contentType = contentType
        self.userProperties = userProperties
    }

    var isEmpty: Bool { correlationData == nil && contentType == nil && userProperties.isEmpty }

    /// Builds libmosquitto's property list for the duration of `body`, which must not keep it.
    func withPropertyList<T>(_ body: (OpaquePointer?) -> T) throws(MQTTError) -> T {
        var list: OpaquePointer?
        defer { mosquitto_property_free_all(&list) }
        if let correlationData {
            guard correlationData.count <= Int(UInt16.max) else {
                throw .invalidConfiguration("correlation data is \(correlationData.count) bytes; MQTT allows 65,535")
            }
            let rc = correlationData.withUnsafeBytes { bytes in
                mosquitto_property_add_binary(&list, Int32(MQTT_PROP_CORRELATION_DATA.rawValue), bytes.baseAddress,
                                              UInt16(bytes.count))
            }
            try Self.check(rc, "correlation data")
        }
        if let contentType {
            try Self.check(mosquitto_property_add_string(&list, Int32(MQTT_PROP_CONTENT_TYPE.rawValue), contentType), "content type")
        }
        for property in userProperties {
            try Self.check(mosquitto_property_add_string_pair(&list, Int32(MQTT_PROP_USER_PROPERTY.rawValue),
                                                              property.name, property.value), "user property \(property.name)")
        }
        return body(list)
    }

    private static func check(_ rc: Int32, _ what: String) throws(MQTTError) {
        guard rc == MOSQ_ERR_SUCCESS.rawValue else { throw .library(operation: "add the \(what) property", code: rc) }
    }
}
