/// Turns raw MQTT messages into readings using the device catalog: the topic picks the device
/// type and names the device, the type's format reads the payload.
///
/// `decode` never throws and never traps, whatever the bytes: every problem becomes a
/// `DeadLetterReason`. Good readings of a partly bad message are kept. It runs for every message,
/// so payloads are scanned once over their bytes, extracting only the values the type wants.
public struct MessageDecoder: Sendable {
    public let catalog: DeviceCatalog
    /// Larger payloads are dead-lettered unread.
    public let maxPayloadBytes: Int
    /// Event times this far (ms) before the receive time at most; nil: any.
    public let maxTimestampAge: Int64?
    /// Event times this far (ms) after the receive time at most; nil: any.
    public let maxTimestampAhead: Int64?
    let plans: [DecodePlan]
    let senMLTrie: PathTrie

    public init(catalog: DeviceCatalog, maxPayloadBytes: Int = 65_536, maxTimestampAge: Int64? = nil, maxTimestampAhead: Int64? = nil) {
        self.catalog = catalog
        self.maxPayloadBytes = maxPayloadBytes
        self.maxTimestampAge = maxTimestampAge
        self.maxTimestampAhead = maxTimestampAhead
        self.plans = catalog.types.map(DecodePlan.init(type:))
        self.senMLTrie = PathTrie(paths: SenMLField.allCases.map { [$0.key] })
    }

    public func decode(_ message: InboundMessage) -> DecodedMessage {
        var matched: (plan: DecodePlan, match: TopicMatch)?
        for plan in plans {
            if let match = plan.type.topic.match(message.topic) {
                matched = (plan, match)
                break
            }
        }
        let device = matched.map { Device(id: $0.match.device, type: $0.plan.type.name, labels: $0.match.labels) }
        if message.payload.count > maxPayloadBytes {
            return DecodedMessage(device: device, readings: [], deadLetter: DeadLetter(
                message: message, reasons: [.payloadTooLarge(size: message.payload.count, limit: maxPayloadBytes)]
            ))
        }
        guard let (plan, match) = matched, let device else {
            return DecodedMessage(device: nil, readings: [], deadLetter: DeadLetter(
                message: message, reasons: [.unknownTopic(topic: message.topic)]
            ))
        }
        guard plan.type.allows(device: device.id) else {
            return DecodedMessage(device: nil, readings: [], deadLetter: DeadLetter(
                message: message, reasons: [.deviceNotAllowed(device: device.id, deviceType: plan.type.name)]
            ))
        }

        var output = DecodeOutput()
        switch plan.type.format {
        case .json: decodeJSON(message, plan: plan, device: device.id, into: &output)
        case .value: decodeValue(message, plan: plan, device: device.id, metric: match.metric ?? "", into: &output)
        case .senml: decodeSenML(message, plan: plan, device: device.id, into: &output)
        }
        if output.readings.isEmpty && output.reasons.isEmpty {
            output.reasons.append(.unexpectedShape(message: "no readings in payload"))
        }
        if maxTimestampAge != nil || maxTimestampAhead != nil {
            dropImplausible(&output, receivedAt: message.receivedAt)
        }
        return DecodedMessage(
            device: device, readings: output.readings,
            deadLetter: output.reasons.isEmpty ? nil : DeadLetter(message: message, reasons: output.reasons),
            sequence: output.sequence
        )
    }

    /// Moves readings whose event time is outside the plausibility window into one reason per
    /// distinct time. Saturating arithmetic: a window of any size around any receive time.
    private func dropImplausible(_ output: inout DecodeOutput, receivedAt: Int64) {
        let earliest = maxTimestampAge.map { receivedAt.subtractingReportingOverflow($0) }.map { $0.overflow ? Int64.min : $0.partialValue } ?? .min
        let latest = maxTimestampAhead.map { receivedAt.addingReportingOverflow($0) }.map { $0.overflow ? Int64.max : $0.partialValue } ?? .max
        guard output.readings.contains(where: { $0.timestamp < earliest || $0.timestamp > latest }) else { return }
        var refused: [Int64] = []
        output.readings.removeAll { reading in
            guard reading.timestamp < earliest || reading.timestamp > latest else { return false }
            if !refused.contains(reading.timestamp) { refused.append(reading.timestamp) }
            return true
        }
        output.reasons += refused.map { .implausibleTimestamp(time: $0, receivedAt: receivedAt) }
    }

    /// Checks a metric's value (finite, within bounds) and appends the reading or the reason.
    @inline(__always)
    func accept(
        _ value: Double, metric: DecodePlan.Metric, device: String, timestamp: Int64, into output: inout DecodeOutput
    ) {
        let definition = metric.definition
        guard value.isFinite else {
            output.reasons.append(.nonFinite(metric: definition.name))
            return
        }
        if let min = definition.min, value < min {
            output.reasons.append(.outOfRange(metric: definition.name, value: value, min: definition.min, max: definition.max))
            return
        }
        if let max = definition.max, value > max {
            output.reasons.append(.outOfRange(metric: definition.name, value: value, min: definition.min, max: definition.max))
            return
        }
        output.readings.append(Reading(device: device, metric: definition.name, timestamp: timestamp, value: value))
    }
}

/// What decoding one message produced so far.
struct DecodeOutput {
    var readings: [Reading] = []
    var reasons: [DeadLetterReason] = []
    var sequence: Int64?
}
