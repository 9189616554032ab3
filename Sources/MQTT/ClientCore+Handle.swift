import CMosquitto
import Foundation
import Logging

/// Creating the libmosquitto handle and routing its callbacks back to the core.
extension ClientCore {
    static func from(_ userdata: UnsafeMutableRawPointer) -> ClientCore {
        Unmanaged<ClientCore>.fromOpaque(userdata).takeUnretainedValue()
    }

    func makeHandle() throws(MQTTError) -> OpaquePointer {
        let config = configuration
        // The core outlives the handle: the handle is destroyed at the end of the network thread,
        // which holds the core strongly.
        let userdata = Unmanaged.passUnretained(self).toOpaque()
        guard let handle = mosquitto_new(config.clientID, config.cleanSession, userdata) else {
            throw .library(operation: "mosquitto_new", code: errno == ENOMEM ? 1 : 3)
        }
        do {
            try configure(handle)
        } catch {
            mosquitto_destroy(handle)
            throw error
        }
        return handle
    }

    private func configure(_ handle: OpaquePointer) throws(MQTTError) {
        let config = configuration
        // Queued packets (PUBACKs included) are written only by our explicit loop_write.
        try check(mosquitto_threaded_set(handle, true), "mosquitto_threaded_set")
        try check(mosquitto_int_option(handle, MOSQ_OPT_PROTOCOL_VERSION, config.protocolVersion.libraryValue), "set protocol version")
        try check(mosquitto_int_option(handle, MOSQ_OPT_RECEIVE_MAXIMUM, Int32(config.receiveMaximum)), "set receive maximum")
        try check(mosquitto_int_option(handle, MOSQ_OPT_SEND_MAXIMUM, Int32(config.maxInflightOut)), "set send maximum")
        try check(mosquitto_int_option(handle, MOSQ_OPT_TCP_NODELAY, 1), "set TCP_NODELAY")

        if config.username != nil || config.password != nil {
            try check(mosquitto_username_pw_set(handle, config.username, config.password), "set user name and password")
        }
        if let tls = config.tls {
            if tls.caFile == nil {
                try check(mosquitto_int_option(handle, MOSQ_OPT_TLS_USE_OS_CERTS, 1), "use the system's CA certificates")
            } else {
                for (label, path) in [("CA file", tls.caFile), ("certificate file", tls.certFile), ("key file", tls.keyFile)] {
                    if let path, !FileManager.default.isReadableFile(atPath: path) {
                        throw .tls("cannot read the \(label) \(path)")
                    }
                }
                let rc = mosquitto_tls_set(handle, tls.caFile, nil, tls.certFile, tls.keyFile, nil)
                if rc != MOSQ_ERR_SUCCESS.rawValue {
                    throw .tls("cannot use the CA, certificate or key files: \(MQTTError.describe(libraryCode: rc))")
                }
            }
            if tls.insecure {
                try check(mosquitto_tls_insecure_set(handle, true), "disable TLS host name checks")
            }
        }
        if let statusTopic = config.statusTopic {
            let rc = mosquitto_will_set(handle, statusTopic, 7, "offline", 1, true)
            try check(rc, "set the will on \(statusTopic)")
        }

        mosquitto_connect_with_flags_callback_set(handle) { _, userdata, code, flags in
            guard let userdata else { return }
            ClientCore.from(userdata).didConnack(code: Int(code), flags: Int(flags))
        }
        mosquitto_message_v5_callback_set(handle) { _, userdata, message, properties in
            guard let userdata, let message else { return }
            ClientCore.from(userdata).didReceive(message, properties: properties)
        }
        mosquitto_publish_v5_callback_set(handle) { _, userdata, mid, reasonCode, _ in
            guard let userdata else { return }
            ClientCore.from(userdata).completePublish(mid: mid, reasonCode: reasonCode)
        }
        mosquitto_subscribe_callback_set(handle) { _, userdata, mid, count, granted in
            guard let userdata else { return }
            let refused = granted.map { pointer in
                (0..<Int(count)).contains { pointer[$0] >= 0x80 }
            } ?? false
            ClientCore.from(userdata).didSuback(mid: mid, refused: refused)
        }
        mosquitto_disconnect_callback_set(handle) { _, userdata, _ in
            guard let userdata else { return }
            ClientCore.from(userdata).didDisconnect()
        }
    }

    private func check(_ rc: Int32, _ operation: String) throws(MQTTError) {
        if rc != MOSQ_ERR_SUCCESS.rawValue {
            throw .library(operation: operation, code: rc)
        }
    }

    /// libmosquitto formats every log line (per packet) once a log callback is set, so it is set
    /// only while a connection is being established, where it explains TLS failures.
    func setLogCapture(_ enabled: Bool, handle: OpaquePointer) {
        if enabled {
            logLock.lock()
            capturedLogError = nil
            logLock.unlock()
            mosquitto_log_callback_set(handle) { _, userdata, level, text in
                guard let userdata, let text else { return }
                ClientCore.from(userdata).didLog(level: level, text: String(cString: text))
            }
        } else {
            mosquitto_log_callback_set(handle, nil)
        }
    }

    func takeCapturedLogError() -> String? {
        logLock.lock()
        defer { logLock.unlock() }
        let text = capturedLogError
        capturedLogError = nil
        return text
    }

    // MARK: Callbacks (network thread, except didLog)

    private func didLog(level: Int32, text: String) {
        let errorOrWarning: Int32 = 0x08 | 0x04  // MOSQ_LOG_ERR | MOSQ_LOG_WARNING
        if level & errorOrWarning != 0 {
            logLock.lock()
            capturedLogError = text
            logLock.unlock()
        }
        logger.trace("libmosquitto: \(text)")
    }

    private func didConnack(code: Int, flags: Int) {
        loopCallbackEvents &+= 1
        loopConnack = (code, flags & 1 != 0)
    }

    private func didReceive(_ pointer: UnsafePointer<mosquitto_message>, properties: OpaquePointer?) {
        loopCallbackEvents &+= 1
        let message = pointer.pointee
        let topic = message.topic.map { String(cString: $0) } ?? ""
        let payload: [UInt8]
        if let bytes = message.payload, message.payloadlen > 0 {
            payload = [UInt8](UnsafeRawBufferPointer(start: bytes, count: Int(message.payloadlen)))
        } else {
            payload = []
        }
        if loopBatch.isEmpty {
            loopBatchStartedAt = .now
        }
        loopBatch.append(MQTTMessage(
            topic: topic,
            payload: payload,
            qos: Int(message.qos),
            retain: message.retain,
            messageID: Int(message.mid),
            receivedAt: loopReadTimestamp,
            correlationData: properties.flatMap(Self.correlationData),
            userProperties: properties.map(Self.userProperties) ?? []
        ))
    }

    /// The correlation data property, copied (libmosquitto allocates the copy it hands out).
    private static func correlationData(_ properties: OpaquePointer) -> [UInt8]? {
        var value: UnsafeMutableRawPointer?
        var length: UInt16 = 0
        guard mosquitto_property_read_binary(properties, Int32(MQTT_PROP_CORRELATION_DATA.rawValue), &value, &length, false) != nil,
              let value else { return nil }
        defer { free(value) }
        guard Int(length) <= MQTTMessage.maximumPropertyBytes else { return nil }
        return [UInt8](UnsafeRawBufferPointer(start: value, count: Int(length)))
    }

    /// The user properties, in order, within ``MQTTMessage``'s bounds.
    private static func userProperties(_ properties: OpaquePointer) -> [MQTTPublishProperties.UserProperty] {
        var result: [MQTTPublishProperties.UserProperty] = []
        var current: OpaquePointer? = properties
        var skipFirst = false
        while let list = current, result.count < MQTTMessage.maximumUserProperties {
            var name: UnsafeMutablePointer<CChar>?
            var value: UnsafeMutablePointer<CChar>?
            guard let found = mosquitto_property_read_string_pair(list, Int32(MQTT_PROP_USER_PROPERTY.rawValue), &name, &value, skipFirst) else {
                break
            }
            if let name, let value, strlen(name) <= MQTTMessage.maximumPropertyBytes, strlen(value) <= MQTTMessage.maximumPropertyBytes {
                result.append(.init(name: String(cString: name), value: String(cString: value)))
            }
            free(name)
            free(value)
            current = found
            skipFirst = true
        }
        return result
    }

    private func didSuback(mid: Int32, refused: Bool) {
        loopCallbackEvents &+= 1
        guard let topic = loopPendingSubacks.removeValue(forKey: mid) else { return }
        if refused {
            loopSubscribeFailure = .subscriptionRefused(topic: topic)
        }
    }

    private func didDisconnect() {
        loopCallbackEvents &+= 1
    }
}
