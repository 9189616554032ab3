extension MessageDecoder {
    /// `format: json`: one object, each metric at its dotted path.
    func decodeJSON(_ message: InboundMessage, plan: DecodePlan, device: String, into output: inout DecodeOutput) {
        guard let trie = plan.trie else { return }
        message.payload.withUnsafeBufferPointer { bytes in
            withUnsafeTemporaryAllocation(of: JSONSlot.self, capacity: max(trie.slotCount, 1)) { slots in
                slots.initialize(repeating: JSONSlot())
                var scanner = JSONScanner(bytes: bytes, trie: trie, slots: slots)
                let kind: JSONSlot.Kind
                do throws(JSONScanError) {
                    kind = try scanner.scanValue(node: 0, depth: 0)
                    try scanner.expectEnd()
                } catch {
                    output.reasons.append(error.reason)
                    return
                }
                guard kind == .object else {
                    output.reasons.append(.unexpectedShape(message: "expected a JSON object, found \(Self.describe(kind))"))
                    return
                }
                extract(from: scanner, plan: plan, device: device, receivedAt: message.receivedAt, into: &output)
            }
        }
        withExtendedLifetime(trie) {}
    }

    private func extract(
        from scanner: JSONScanner, plan: DecodePlan, device: String, receivedAt: Int64, into output: inout DecodeOutput
    ) {
        let slots = scanner.slots
        var timestamp = receivedAt
        var timestampValid = true
        if plan.timestampSlot >= 0 {
            let slot = slots[plan.timestampSlot]
            let parsed: Int64?
            switch slot.kind {
            case .absent, .null:
                parsed = receivedAt
            case .number:
                parsed = TimestampParser.milliseconds(epoch: slot.number)
            case .string:
                if slot.escaped {
                    let text = scanner.stringBytes(slot)
                    parsed = text.withUnsafeBufferPointer { TimestampParser.milliseconds(text: $0, from: 0, to: $0.count) }
                } else {
                    parsed = TimestampParser.milliseconds(text: scanner.bytes, from: slot.start, to: slot.end)
                }
            default:
                parsed = nil
            }
            if let parsed {
                timestamp = parsed
            } else {
                timestampValid = false
                output.reasons.append(.invalidTimestamp(field: plan.type.timestampPath ?? "", found: scanner.describe(slot)))
            }
        }
        if plan.sequenceSlot >= 0 {
            let slot = slots[plan.sequenceSlot]
            if slot.kind == .number {
                if let exact = NumberParser.int64(scanner.bytes, from: slot.start, to: slot.end) {
                    output.sequence = exact
                } else if slot.number == slot.number.rounded(), abs(slot.number) < 9e18 {
                    output.sequence = Int64(slot.number)
                }
            }
        }

        output.readings.reserveCapacity(plan.metrics.count)
        for metric in plan.metrics {
            let slot = slots[metric.slot]
            let definition = metric.definition
            switch slot.kind {
            case .absent, .null:
                if !definition.optional {
                    output.reasons.append(.missingMetric(metric: definition.name, path: definition.path))
                }
            case .number:
                accept(slot.number, metric: metric, device: device, timestamp: timestamp, into: &output)
            case .true, .false:
                accept(slot.kind == .true ? 1 : 0, metric: metric, device: device, timestamp: timestamp, into: &output)
            case .string:
                let mapped: Double?
                if metric.map.isEmpty {
                    mapped = nil
                } else if slot.escaped {
                    mapped = scanner.stringBytes(slot).withUnsafeBufferPointer { metric.mapped($0) }
                } else {
                    mapped = metric.mapped(UnsafeBufferPointer(rebasing: scanner.bytes[slot.start..<slot.end]))
                }
                if let mapped {
                    accept(mapped, metric: metric, device: device, timestamp: timestamp, into: &output)
                } else {
                    output.reasons.append(.notANumber(metric: definition.name, found: scanner.describe(slot)))
                }
            case .object, .array:
                output.reasons.append(.notANumber(metric: definition.name, found: scanner.describe(slot)))
            }
        }
        if !timestampValid { output.readings.removeAll() }
    }

    static func describe(_ kind: JSONSlot.Kind) -> String {
        switch kind {
        case .absent: "nothing"
        case .null: "null"
        case .true, .false: "a boolean"
        case .number: "a number"
        case .string: "a string"
        case .object: "an object"
        case .array: "an array"
        }
    }
}
