import MQTT

extension BridgeConfiguration {
    /// The MQTT client settings these bridge settings imply.
    public func mqttConfiguration(clientIDSuffix: String = "") throws(MQTTError) -> MQTTConfiguration {
        var mqtt = try MQTTConfiguration(url: broker)
        if let clientID { mqtt.clientID = clientID + clientIDSuffix } else { mqtt.clientID += clientIDSuffix }
        if let username { mqtt.username = username }
        if let password { mqtt.password = password }
        if caFile != nil || certFile != nil || tlsInsecure {
            var tls = mqtt.tls ?? MQTTTLS()
            tls.caFile = caFile ?? tls.caFile
            tls.certFile = certFile
            tls.keyFile = keyFile
            tls.insecure = tlsInsecure
            mqtt.tls = tls
        }
        mqtt.protocolVersion = mqttVersion == .v5 ? .v5 : .v311
        mqtt.maxBatch = batchSize
        mqtt.maxBatchDelay = .milliseconds(batchDelay)
        return mqtt
    }
}
