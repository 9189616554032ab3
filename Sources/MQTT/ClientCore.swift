import CMosquitto
import Foundation
import Logging
#if canImport(Glibc)
import Glibc
#endif

/// Owns the libmosquitto handle and the network thread behind `MQTTClient`.
///
/// Two kinds of state live here:
/// - `shared`, guarded by `condition`: what other threads read or change (the handle for
///   publishing, outstanding publishes, status, stop requests). `mosquitto_publish` is called
///   with the lock held so its packet identifier is registered before `on_publish` can report it,
///   and so `mosquitto_destroy` cannot race a publish.
/// - the `loop*` properties, touched only by the network thread (and by libmosquitto callbacks,
///   which run on that thread inside `mosquitto_loop_read`/`_write`/`_misc`).
final class ClientCore: @unchecked Sendable {
    let configuration: MQTTConfiguration
    let logger: Logger
    let backoff: ReconnectBackoff

    struct PendingPublish {
        var sequence: UInt64
        var qos0: Bool
    }

    enum Lifecycle {
        case idle
        case running
        case finished
    }

    struct Shared {
        var lifecycle: Lifecycle = .idle
        var handle: OpaquePointer?
        var loopThread: pthread_t?
        var connected = false
        var acceptingPublishes = true
        var stopRequested = false
        var wakePending = false
        var connectResult: Result<Void, MQTTError>?
        var pending: [UInt16: PendingPublish] = [:]
        var publishSequence: UInt64 = 0
        /// Publishes the broker refused (MQTT 5 reason code ≥ 0x80), until a `flush` hands them
        /// out; bounded (the oldest go first) for publishes nobody flushes.
        var refused: [MQTTPublishRefusal] = []
        var waiters = 0
        var reconnects = 0
        var connections = 0
        var messagesReceived = 0
        var lastError: MQTTError?
    }

    let condition = NSCondition()
    var shared = Shared()

    /// Text of the last error or warning libmosquitto logged (OpenSSL reasons, mostly).
    /// Its own lock: libmosquitto may log from a publishing thread.
    let logLock = NSLock()
    var capturedLogError: String?

    // MARK: Network-thread state

    enum Link {
        case down(retryAt: ContinuousClock.Instant)
        case awaitingConnack(deadline: ContinuousClock.Instant)
        case up
    }

    var loopHandle: OpaquePointer?
    var loopWake: WakeSignal?
    var loopHandler: (@Sendable (MQTTBatch) throws -> Void)?
    var loopConnectionObserver: (@Sendable (Bool) -> Void)?
    var loopSubscriptions: [MQTTSubscription] = []
    var loopLink: Link = .down(retryAt: .now)
    var loopEverConnected = false
    var loopReady = false
    var loopExit = false
    var loopAttempt = 0
    var loopDraining = false
    var loopDrainDeadline: ContinuousClock.Instant = .now
    var loopBatch: [MQTTMessage] = []
    var loopBatchStartedAt: ContinuousClock.Instant?
    var loopReadTimestamp: Int64 = 0
    var loopCallbackEvents = 0
    var loopConnack: (code: Int, sessionPresent: Bool)?
    var loopPendingSubacks: [Int32: String] = [:]
    var loopSubscribeFailure: MQTTError?

    init(configuration: MQTTConfiguration, logger: Logger) {
        self.configuration = configuration
        self.logger = logger
        self.backoff = ReconnectBackoff(minDelay: configuration.reconnectMinDelay, maxDelay: configuration.reconnectMaxDelay)
    }

    // MARK: Lifecycle

    func start(subscriptions: [MQTTSubscription], connectionObserver: (@Sendable (Bool) -> Void)?,
               handler: @escaping @Sendable (MQTTBatch) throws -> Void) throws(MQTTError) {
        try configuration.validate()
        for subscription in subscriptions {
            try TopicValidator.validateTopicFilter(subscription.filter)
            guard (0...2).contains(subscription.qos) else {
                throw .invalidConfiguration("subscription QoS must be 0, 1 or 2 (got \(subscription.qos) for \(subscription.filter))")
            }
            if subscription.qos == 2 {
                logger.warning("QoS 2 subscriptions are acknowledged (PUBREC) before the handler runs; use QoS 1 for acknowledge-after-commit", metadata: ["topic": "\(subscription.filter)"])
            }
        }
        try MosquittoLibrary.ensureInitialized()

        condition.lock()
        guard shared.lifecycle == .idle else {
            condition.unlock()
            throw .invalidState("connect can be called once per MQTTClient; create a new client to connect again")
        }
        shared.lifecycle = .running
        condition.unlock()

        let handle: OpaquePointer
        let wake: WakeSignal
        do {
            wake = try WakeSignal()
            handle = try makeHandle()
        } catch {
            condition.lock()
            shared.lifecycle = .finished
            condition.broadcast()
            condition.unlock()
            throw error
        }

        loopHandle = handle
        loopWake = wake
        loopHandler = handler
        loopConnectionObserver = connectionObserver
        loopSubscriptions = subscriptions
        condition.lock()
        shared.handle = handle
        condition.unlock()

        let thread = Thread { [self] in
            Thread.current.name = "mqtt-network"  // set on the thread itself: Linux names only the running thread
            self.runLoop()
        }
        thread.start()

        let grace = configuration.connectTimeout + .seconds(2)
        let deadline = Date(timeIntervalSinceNow: grace.seconds)
        condition.lock()
        while shared.connectResult == nil {
            if !condition.wait(until: deadline) { break }
        }
        let result = shared.connectResult
        condition.unlock()

        switch result {
        case .success:
            return
        case .failure(let error):
            waitUntilFinished()
            throw error
        case nil:
            requestStop()
            throw .timeout("no answer from \(configuration.host):\(configuration.port) within \(configuration.connectTimeout)")
        }
    }

    /// Stops the network thread gracefully and waits for it, unless called on that thread.
    func disconnect() {
        condition.lock()
        switch shared.lifecycle {
        case .idle:
            shared.lifecycle = .finished
            shared.acceptingPublishes = false
            condition.broadcast()
            condition.unlock()
            return
        case .finished:
            condition.unlock()
            return
        case .running:
            break
        }
        let onLoopThread = isLoopThreadLocked()
        condition.unlock()
        requestStop()
        if !onLoopThread {
            waitUntilFinished()
        }
    }

    func requestStop() {
        condition.lock()
        shared.stopRequested = true
        condition.unlock()
        loopWake?.signal()
    }

    private func waitUntilFinished() {
        condition.lock()
        while shared.lifecycle != .finished {
            condition.wait()
        }
        condition.unlock()
    }

    func isLoopThreadLocked() -> Bool {
        guard let loopThread = shared.loopThread else { return false }
        return pthread_equal(loopThread, pthread_self()) != 0
    }

    // MARK: Publishing

    func publish(topic: String, payload: [UInt8], qos: Int, retain: Bool, properties: MQTTPublishProperties? = nil,
                 waitForCapacity: Bool = true) throws(MQTTError) -> MQTTPublishID {
        try TopicValidator.validateTopicName(topic)
        guard (0...2).contains(qos) else {
            throw .invalidConfiguration("QoS must be 0, 1 or 2 (got \(qos))")
        }
        guard payload.count <= 268_435_455 else {
            throw .library(operation: "publish", code: 9)
        }
        condition.lock()
        let onLoopThread = isLoopThreadLocked()
        if !onLoopThread && waitForCapacity {
            while shared.pending.count >= configuration.maxOutstandingPublishes
                    && shared.acceptingPublishes && shared.handle != nil {
                shared.waiters += 1
                condition.wait()
                shared.waiters -= 1
            }
        }
        let needsWake: Bool
        let id: MQTTPublishID
        do {
            id = try enqueueLocked(topic: topic, payload: payload, qos: qos, retain: retain, properties: properties)
            needsWake = !onLoopThread && !shared.wakePending
            if needsWake { shared.wakePending = true }
        } catch {
            condition.unlock()
            throw error
        }
        condition.unlock()
        if needsWake {
            loopWake?.signal()
        }
        return id
    }

    /// Queues one publish; the caller holds `condition`.
    private func enqueueLocked(topic: String, payload: [UInt8], qos: Int, retain: Bool,
                               properties: MQTTPublishProperties?) throws(MQTTError) -> MQTTPublishID {
        guard shared.acceptingPublishes, let handle = shared.handle else {
            throw .closed
        }
        if qos == 0 && !shared.connected {
            throw .notConnected
        }
        var mid: Int32 = 0
        let rc: Int32
        if let properties, !properties.isEmpty, configuration.protocolVersion == .v5 {
            rc = try properties.withPropertyList { list in
                payload.withUnsafeBytes { bytes in
                    mosquitto_publish_v5(handle, &mid, topic, Int32(bytes.count), bytes.baseAddress, Int32(qos), retain, list)
                }
            }
        } else {
            rc = payload.withUnsafeBytes { bytes in
                mosquitto_publish(handle, &mid, topic, Int32(bytes.count), bytes.baseAddress, Int32(qos), retain)
            }
        }
        // For QoS 1/2 "no connection" still means queued: libmosquitto resends after reconnecting.
        guard rc == MOSQ_ERR_SUCCESS.rawValue || (rc == MOSQ_ERR_NO_CONN.rawValue && qos > 0) else {
            throw .library(operation: "publish to \(topic)", code: rc)
        }
        shared.publishSequence += 1
        shared.pending[UInt16(truncatingIfNeeded: mid)] = PendingPublish(sequence: shared.publishSequence, qos0: qos == 0)
        return MQTTPublishID(rawValue: shared.publishSequence)
    }

    /// Refusals kept for a later `flush` at most.
    static let maximumRefusalsKept = 10_000

    /// `on_publish`: QoS 0 written, QoS 1 PUBACK, QoS 2 PUBCOMP; `reasonCode` ≥ 0x80: refused.
    func completePublish(mid: Int32, reasonCode: Int32) {
        condition.lock()
        let completed = shared.pending.removeValue(forKey: UInt16(truncatingIfNeeded: mid))
        if let completed, reasonCode >= 0x80 {
            if shared.refused.count >= Self.maximumRefusalsKept { shared.refused.removeFirst() }
            shared.refused.append(MQTTPublishRefusal(publish: MQTTPublishID(rawValue: completed.sequence), reasonCode: Int(reasonCode)))
        }
        if completed != nil && shared.waiters > 0 {
            condition.broadcast()
        }
        condition.unlock()
    }

    /// Waits for every publish made before the call; returns those of them the broker refused.
    @discardableResult
    func flush(timeout: Duration) throws(MQTTError) -> [MQTTPublishRefusal] {
        condition.lock()
        defer { condition.unlock() }
        if isLoopThreadLocked() {
            throw .invalidState("flush cannot be called on the MQTT network thread (from the message handler)")
        }
        let target = shared.publishSequence
        let deadline = Date(timeIntervalSinceNow: timeout.seconds)
        while true {
            let outstanding = shared.pending.isEmpty ? 0 : shared.pending.values.reduce(0) { $0 + ($1.sequence <= target ? 1 : 0) }
            if outstanding == 0 { return takeRefusals(through: target) }
            if shared.lifecycle == .finished || shared.handle == nil {
                throw .closed
            }
            shared.waiters += 1
            let signalled = condition.wait(until: deadline)
            shared.waiters -= 1
            if !signalled {
                let left = shared.pending.values.reduce(0) { $0 + ($1.sequence <= target ? 1 : 0) }
                if left == 0 { return takeRefusals(through: target) }
                throw .timeout("\(left) publishes still not confirmed by the broker after \(timeout)")
            }
        }
    }

    /// Removes and returns the refusals of publishes up to `target` (the lock is held).
    private func takeRefusals(through target: UInt64) -> [MQTTPublishRefusal] {
        guard !shared.refused.isEmpty else { return [] }
        let taken = shared.refused.filter { $0.publish.rawValue <= target }
        shared.refused.removeAll { $0.publish.rawValue <= target }
        return taken
    }

    var status: MQTTClientStatus {
        condition.lock()
        defer { condition.unlock() }
        return MQTTClientStatus(
            connected: shared.connected,
            reconnects: shared.reconnects,
            connections: shared.connections,
            messagesReceived: shared.messagesReceived,
            pendingPublishes: shared.pending.count,
            lastError: shared.lastError
        )
    }
}
