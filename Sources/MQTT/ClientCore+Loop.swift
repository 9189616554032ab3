import CMosquitto
import Foundation
import Logging
#if canImport(Glibc)
import Glibc
#endif

/// The network thread: read a batch, hand it to the handler, and only then write the
/// acknowledgements libmosquitto queued while reading, so nothing is acknowledged before the
/// handler (ingest: the commit) has returned.
///
/// With `mosquitto_threaded_set(true)` libmosquitto never writes from inside `loop_read`: the
/// PUBACK of a QoS 1 message is queued before the message callback runs and leaves the process
/// only when we call `mosquitto_loop_write`. If the handler throws, the socket is shut down
/// without that write; `mosquitto_reconnect` then discards the queued packets
/// (`packet__cleanup_all`) and the broker redelivers the unacknowledged messages.
extension ClientCore {
    func runLoop() {
        condition.lock()
        shared.loopThread = pthread_self()
        condition.unlock()

        while !loopExit {
            switch loopLink {
            case .down(let retryAt):
                if isStopRequested() {
                    loopExit = true
                } else if ContinuousClock.now < retryAt {
                    waitForWake(until: retryAt)
                } else {
                    openConnection()
                }
            case .awaitingConnack, .up:
                iterate()
            }
        }
        finish()
    }

    // MARK: Connecting

    private func openConnection() {
        guard let handle = loopHandle else { return }
        let config = configuration
        setLogCapture(true, handle: handle)
        loopConnack = nil
        loopPendingSubacks.removeAll()
        loopSubscribeFailure = nil
        let started = ContinuousClock.now

        let rc: Int32
        if loopEverConnected {
            logger.info("reconnecting to MQTT broker", metadata: ["broker": "\(config.host):\(config.port)", "attempt": "\(loopAttempt)"])
            rc = mosquitto_reconnect(handle)
        } else {
            loopEverConnected = true
            rc = connectFirstTime(handle)
        }
        let savedErrno = errno
        if rc != MOSQ_ERR_SUCCESS.rawValue {
            linkFailed(connectError(rc: rc, errnoValue: savedErrno))
            return
        }
        loopLink = .awaitingConnack(deadline: started + config.connectTimeout)
    }

    private func connectFirstTime(_ handle: OpaquePointer) -> Int32 {
        let config = configuration
        var properties: OpaquePointer?
        defer { mosquitto_property_free_all(&properties) }
        if config.protocolVersion == .v5 && !config.cleanSession {
            let rc = mosquitto_property_add_int32(&properties, Int32(MQTT_PROP_SESSION_EXPIRY_INTERVAL.rawValue), config.sessionExpiry)
            if rc != MOSQ_ERR_SUCCESS.rawValue { return rc }
        }
        logger.info("connecting to MQTT broker", metadata: ["broker": "\(config)"])
        return mosquitto_connect_bind_v5(handle, config.host, Int32(config.port), Int32(config.keepAlive), nil, properties)
    }

    private func connectError(rc: Int32, errnoValue: Int32) -> MQTTError {
        let config = configuration
        switch rc {
        case MOSQ_ERR_ERRNO.rawValue:
            return .connectionFailed(host: config.host, port: config.port, reason: MQTTError.describe(errno: errnoValue))
        case MOSQ_ERR_EAI.rawValue, MOSQ_ERR_LOOKUP.rawValue:
            return .connectionFailed(host: config.host, port: config.port, reason: "cannot resolve the host name")
        case MOSQ_ERR_TLS.rawValue, MOSQ_ERR_TLS_HANDSHAKE.rawValue:
            return .tls(takeCapturedLogError() ?? "TLS setup failed")
        default:
            return .connectionFailed(host: config.host, port: config.port, reason: MQTTError.describe(libraryCode: rc))
        }
    }

    // MARK: One turn of the loop

    private func iterate() {
        guard let handle = loopHandle, let wake = loopWake else {
            loopExit = true
            return
        }
        let fd = mosquitto_socket(handle)
        if fd < 0 {
            linkFailed(lostReason(rc: MOSQ_ERR_CONN_LOST.rawValue, errnoValue: 0))
            return
        }
        let tls = configuration.tls != nil
        var fds: (pollfd, pollfd) = (
            pollfd(fd: fd, events: Int16(POLLIN) | (mosquitto_want_write(handle) ? Int16(POLLOUT) : 0), revents: 0),
            pollfd(fd: wake.fileDescriptor, events: Int16(POLLIN), revents: 0)
        )
        let timeout = pollTimeout(tls: tls)
        _ = withUnsafeMutablePointer(to: &fds) { pointer in
            pointer.withMemoryRebound(to: pollfd.self, capacity: 2) { poll($0, 2, timeout) }
        }
        if fds.1.revents != 0 {
            acknowledgeWake(wake)
        }
        if !loopDraining && isStopRequested() {
            beginDrain()
            if loopExit { return }
        }

        // Read what the socket has, up to a batch.
        var failure: MQTTError?
        if fds.0.revents != 0 || tls {
            failure = readBatch(handle: handle, fd: fd, tls: tls)
        }
        // CONNACK bookkeeping only queues packets (SUBSCRIBE, birth); nothing is written yet.
        if failure == nil {
            afterConnack(handle: handle)
        }
        // Hand the batch over before anything is written.
        if let handlerError = deliverBatch(), failure == nil {
            failure = handlerError
        }
        if let failure {
            linkFailed(failure)
            return
        }
        if let subscribeFailure = loopSubscribeFailure {
            loopSubscribeFailure = nil
            if !loopReady {
                reportConnectResult(.failure(subscribeFailure))
                beginDrain()
            } else {
                logger.error("subscription refused", metadata: ["error": "\(subscribeFailure)"])
                recordError(subscribeFailure)
            }
        }
        if !loopReady && !loopDraining, case .up = loopLink, loopPendingSubacks.isEmpty {
            markReady()
        }
        if case .awaitingConnack(let deadline) = loopLink, ContinuousClock.now >= deadline {
            linkFailed(.timeout("no CONNACK from \(configuration.host):\(configuration.port) within \(configuration.connectTimeout)"))
            return
        }

        // Keepalive, then write: PUBACKs of the delivered batch, our publishes, pings.
        let miscRC = mosquitto_loop_misc(handle)
        if miscRC != MOSQ_ERR_SUCCESS.rawValue && miscRC != MOSQ_ERR_NO_CONN.rawValue {
            linkFailed(lostReason(rc: miscRC, errnoValue: errno))
            return
        }
        if mosquitto_want_write(handle) {
            let writeRC = mosquitto_loop_write(handle, 1)
            if writeRC != MOSQ_ERR_SUCCESS.rawValue {
                linkFailed(lostReason(rc: writeRC, errnoValue: errno))
                return
            }
        }

        if loopDraining {
            condition.lock()
            let outstanding = shared.pending.count
            condition.unlock()
            if outstanding == 0 || ContinuousClock.now >= loopDrainDeadline {
                finishDisconnect(handle: handle, unconfirmed: outstanding)
            }
        }
    }

    private func pollTimeout(tls: Bool) -> Int32 {
        // TLS may hold decrypted bytes poll() cannot see; look again soon.
        var milliseconds: Int64 = tls ? 100 : 1000
        let now = ContinuousClock.now
        if case .awaitingConnack(let deadline) = loopLink {
            milliseconds = min(milliseconds, now.duration(to: deadline).milliseconds)
        }
        if loopDraining {
            milliseconds = min(milliseconds, now.duration(to: loopDrainDeadline).milliseconds)
        }
        return Int32(max(milliseconds, 0))
    }

    /// Calls `mosquitto_loop_read` while the socket has data, up to `maxBatch` messages or
    /// `maxBatchDelay` after the batch's first message. Returns why the connection failed, if it did.
    private func readBatch(handle: OpaquePointer, fd: Int32, tls: Bool) -> MQTTError? {
        let maxBatch = configuration.maxBatch
        let maxDelay = configuration.maxBatchDelay
        while true {
            loopReadTimestamp = Self.wallClockMilliseconds()
            let before = loopCallbackEvents
            let rc = mosquitto_loop_read(handle, 1)
            if rc != MOSQ_ERR_SUCCESS.rawValue {
                return lostReason(rc: rc, errnoValue: errno)
            }
            if mosquitto_socket(handle) < 0 {
                return lostReason(rc: MOSQ_ERR_CONN_LOST.rawValue, errnoValue: 0)
            }
            if loopBatch.count >= maxBatch {
                return nil
            }
            if let started = loopBatchStartedAt, started.duration(to: .now) >= maxDelay {
                return nil
            }
            if Self.isReadable(fd) {
                continue
            }
            if tls && loopCallbackEvents != before {
                continue
            }
            return nil
        }
    }

    /// Runs the handler on this thread. Returns the failure if it threw.
    private func deliverBatch() -> MQTTError? {
        guard !loopBatch.isEmpty, let handler = loopHandler else { return nil }
        let batch = MQTTBatch(messages: loopBatch)
        loopBatch = []
        loopBatchStartedAt = nil
        condition.lock()
        shared.messagesReceived += batch.count
        condition.unlock()
        do {
            try handler(batch)
            return nil
        } catch {
            logger.error("message handler failed; dropping the connection so the broker redelivers the batch", metadata: [
                "error": "\(error)", "messages": "\(batch.count)",
            ])
            return .handlerFailed(String(describing: error))
        }
    }

    private func afterConnack(handle: OpaquePointer) {
        guard let connack = loopConnack, connack.code == 0, case .awaitingConnack = loopLink else { return }
        loopConnack = nil
        loopLink = .up
        loopAttempt = 0
        setLogCapture(false, handle: handle)
        let config = configuration
        condition.lock()
        shared.connected = true
        shared.connections += 1
        if loopReady { shared.reconnects += 1 }
        condition.unlock()
        loopConnectionObserver?(true)
        logger.info("connected to MQTT broker", metadata: [
            "broker": "\(config.host):\(config.port)", "sessionPresent": "\(connack.sessionPresent)",
        ])

        for subscription in loopSubscriptions {
            var mid: Int32 = 0
            let rc = mosquitto_subscribe(handle, &mid, subscription.filter, Int32(subscription.qos))
            if rc != MOSQ_ERR_SUCCESS.rawValue {
                loopSubscribeFailure = .library(operation: "subscribe to \(subscription.filter)", code: rc)
                continue
            }
            loopPendingSubacks[mid] = subscription.filter
        }
        if let statusTopic = config.statusTopic {
            do {
                try publish(topic: statusTopic, payload: Array("online".utf8), qos: 1, retain: true)
            } catch {
                logger.warning("cannot publish the online status", metadata: ["error": "\(error)"])
            }
        }
    }

    // MARK: Failures and reconnects

    private func lostReason(rc: Int32, errnoValue: Int32) -> MQTTError {
        if let connack = loopConnack, connack.code != 0 {
            loopConnack = nil
            return MQTTError.connackRefusal(code: connack.code, protocolVersion: configuration.protocolVersion)
        }
        let tls = configuration.tls != nil
        if rc == MOSQ_ERR_TLS.rawValue || rc == MOSQ_ERR_TLS_HANDSHAKE.rawValue
            || (tls && rc == MOSQ_ERR_ERRNO.rawValue && errnoValue == EPROTO) {
            return .tls(takeCapturedLogError() ?? "TLS failure")
        }
        if rc == MOSQ_ERR_ERRNO.rawValue {
            return .connectionLost(MQTTError.describe(errno: errnoValue))
        }
        return .connectionLost(MQTTError.describe(libraryCode: rc))
    }

    /// The connection is unusable: shut the socket down without writing anything queued,
    /// then either report the failure (first connect), stop (shutting down) or back off.
    private func linkFailed(_ failure: MQTTError) {
        var error = failure
        if let handle = loopHandle {
            let fd = mosquitto_socket(handle)
            if fd >= 0 {
                shutdown(fd, Int32(SHUT_RDWR))
            }
        }
        condition.lock()
        let wasConnected = shared.connected
        shared.connected = false
        shared.pending = shared.pending.filter { !$0.value.qos0 }  // discarded with the out queue
        condition.unlock()
        if wasConnected { loopConnectionObserver?(false) }

        if !loopReady {
            if case .connectionLost(let reason) = error {
                error = .connectionFailed(host: configuration.host, port: configuration.port, reason: reason)
            }
            recordError(error)
            logger.error("MQTT connection failed", metadata: ["error": "\(error)"])
            reportConnectResult(.failure(error))
            loopExit = true
            return
        }
        recordError(error)
        if loopDraining {
            logger.warning("MQTT connection lost while disconnecting", metadata: ["error": "\(error)"])
            loopExit = true
            return
        }
        let delay = backoff.delay(attempt: loopAttempt, jitter: Double.random(in: 0...1))
        loopAttempt += 1
        logger.warning("MQTT connection lost; reconnecting", metadata: [
            "error": "\(error)", "delay": "\(delay)", "attempt": "\(loopAttempt)",
        ])
        loopLink = .down(retryAt: .now + delay)
    }

    private func recordError(_ error: MQTTError) {
        condition.lock()
        shared.lastError = error
        condition.unlock()
    }

    private func markReady() {
        loopReady = true
        reportConnectResult(.success(()))
    }

    private func reportConnectResult(_ result: Result<Void, MQTTError>) {
        condition.lock()
        if shared.connectResult == nil {
            shared.connectResult = result
            condition.broadcast()
        }
        condition.unlock()
    }

    // MARK: Shutdown

    private func isStopRequested() -> Bool {
        condition.lock()
        defer { condition.unlock() }
        return shared.stopRequested
    }

    private func waitForWake(until deadline: ContinuousClock.Instant) {
        guard let wake = loopWake else { return }
        let milliseconds = max(ContinuousClock.now.duration(to: deadline).milliseconds, 0)
        var fd = pollfd(fd: wake.fileDescriptor, events: Int16(POLLIN), revents: 0)
        if poll(&fd, 1, Int32(min(milliseconds, 1000))) > 0 {
            acknowledgeWake(wake)
        }
    }

    /// Drain first, then clear the flag: a publisher that saw the flag set relies on a later
    /// write phase, and every write phase comes after this.
    private func acknowledgeWake(_ wake: WakeSignal) {
        wake.drain()
        condition.lock()
        shared.wakePending = false
        condition.unlock()
    }

    /// Stop reading new work: announce `offline` and let outstanding publishes finish.
    private func beginDrain() {
        loopDraining = true
        loopDrainDeadline = .now + configuration.disconnectTimeout
        guard case .up = loopLink else {
            loopExit = true
            return
        }
        if let statusTopic = configuration.statusTopic {
            do {
                try publish(topic: statusTopic, payload: Array("offline".utf8), qos: 1, retain: true)
            } catch {
                logger.warning("cannot publish the offline status", metadata: ["error": "\(error)"])
            }
        }
    }

    /// Sends DISCONNECT (the broker then drops the will) and waits briefly for it to be written.
    private func finishDisconnect(handle: OpaquePointer, unconfirmed: Int) {
        condition.lock()
        shared.acceptingPublishes = false
        condition.broadcast()
        condition.unlock()
        if unconfirmed > 0 {
            logger.warning("disconnecting with publishes not confirmed by the broker", metadata: ["count": "\(unconfirmed)"])
        }
        _ = mosquitto_disconnect(handle)
        let deadline = ContinuousClock.now + .seconds(1)
        while ContinuousClock.now < deadline {
            let fd = mosquitto_socket(handle)
            if fd < 0 { break }
            if mosquitto_loop_write(handle, 1) != MOSQ_ERR_SUCCESS.rawValue { break }
            if mosquitto_socket(handle) < 0 || !mosquitto_want_write(handle) { break }
            var pfd = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
            _ = poll(&pfd, 1, 50)
        }
        loopExit = true
    }

    private func finish() {
        condition.lock()
        shared.connected = false
        shared.acceptingPublishes = false
        if shared.connectResult == nil {
            shared.connectResult = .failure(.closed)
        }
        let handle = shared.handle
        shared.handle = nil
        // Under the lock: no publish can be inside libmosquitto now.
        if let handle {
            mosquitto_destroy(handle)
        }
        loopHandle = nil
        loopHandler = nil
        shared.lifecycle = .finished
        condition.broadcast()
        condition.unlock()
        logger.info("MQTT client stopped", metadata: ["broker": "\(configuration.host):\(configuration.port)"])
    }

    // MARK: Helpers

    static func isReadable(_ fd: Int32) -> Bool {
        var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        return poll(&pfd, 1, 0) > 0
    }

    static func wallClockMilliseconds() -> Int64 {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        return Int64(now.tv_sec) * 1000 + Int64(now.tv_nsec) / 1_000_000
    }
}
