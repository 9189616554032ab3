extension MessageDecoder {
    /// Times below 2^28 seconds are relative to now (RFC 8428 §4.5.3).
    private static let relativeTimeLimit: Double = 268_435_456

    /// Base fields in force; they carry over to later records until redefined (RFC 8428 §4.1).
    private struct SenMLBase {
        var name = ""
        var time: Double = 0
        var unit: JSONSlot?
        var value: Double = 0
        var sum: Double = 0
    }

    /// `format: senml`: a JSON array of records, each yielding its own reading and time.
    func decodeSenML(_ message: InboundMessage, plan: DecodePlan, device: String, into output: inout DecodeOutput) {
        let trie = senMLTrie
        message.payload.withUnsafeBufferPointer { bytes in
            withUnsafeTemporaryAllocation(of: JSONSlot.self, capacity: trie.slotCount) { slots in
                slots.initialize(repeating: JSONSlot())
                var scanner = JSONScanner(bytes: bytes, trie: trie, slots: slots)
                var records = DecodeOutput()
                do throws(JSONScanError) {
                    guard scanner.consume(UInt8(ascii: "[")) else {
                        let kind = try scanner.scanValue(node: -1, depth: 0)
                        try scanner.expectEnd()
                        output.reasons.append(.unexpectedShape(message: "SenML payload must be a JSON array of records, found \(Self.describe(kind))"))
                        return
                    }
                    var base = SenMLBase()
                    var index = 0
                    if !scanner.consume(UInt8(ascii: "]")) {
                        while true {
                            scanner.resetSlots()
                            let kind = try scanner.scanValue(node: 0, depth: 1)
                            if kind == .object {
                                record(scanner, plan: plan, device: device, receivedAt: message.receivedAt, base: &base, into: &records)
                            } else {
                                records.reasons.append(.unexpectedShape(message: "SenML record \(index) is \(Self.describe(kind)), not an object"))
                            }
                            index += 1
                            if scanner.consume(UInt8(ascii: ",")) { continue }
                            if scanner.consume(UInt8(ascii: "]")) { break }
                            throw .malformed(offset: scanner.position, message: "expected ',' or ']'")
                        }
                    }
                    try scanner.expectEnd()
                } catch {
                    output.reasons.append(error.reason)
                    return
                }
                output.readings += records.readings
                output.reasons += records.reasons
            }
        }
        withExtendedLifetime(trie) {}
    }

    private func record(
        _ scanner: JSONScanner, plan: DecodePlan, device: String, receivedAt: Int64,
        base: inout SenMLBase, into output: inout DecodeOutput
    ) {
        let slots = scanner.slots
        func field(_ field: SenMLField) -> JSONSlot { slots[field.rawValue] }
        func shape(_ key: SenMLField, _ expected: String) {
            output.reasons.append(.unexpectedShape(message: "SenML field '\(key.key)' must be \(expected), found \(scanner.describe(field(key)))"))
        }
        func number(_ key: SenMLField, into target: inout Double) -> Bool {
            let slot = field(key)
            switch slot.kind {
            case .absent: return true
            case .number:
                target = slot.number
                return true
            default:
                shape(key, "a number")
                return false
            }
        }

        var ok = true
        switch field(.baseName).kind {
        case .absent: break
        case .string: base.name = scanner.string(field(.baseName))
        default: shape(.baseName, "a string"); ok = false
        }
        switch field(.baseUnit).kind {
        case .absent: break
        case .string: base.unit = field(.baseUnit)
        default: shape(.baseUnit, "a string"); ok = false
        }
        var version: Double = 0
        ok = number(.baseTime, into: &base.time) && ok
        ok = number(.baseValue, into: &base.value) && ok
        ok = number(.baseSum, into: &base.sum) && ok
        ok = number(.baseVersion, into: &version) && ok
        var relative: Double = 0
        ok = number(.time, into: &relative) && ok

        let name: String
        switch field(.name).kind {
        case .absent: name = ""
        case .string: name = scanner.string(field(.name))
        default: shape(.name, "a string"); return
        }
        guard ok else { return }
        let valueFields: [SenMLField] = [.value, .boolValue, .stringValue, .dataValue, .sum]
        if field(.name).kind == .absent && valueFields.allSatisfy({ field($0).kind == .absent }) {
            return  // a record that only sets base fields
        }

        let fullName = base.name + name
        guard let metric = resolve(fullName: fullName, name: name, in: plan) else {
            output.reasons.append(.unknownMetric(deviceType: plan.type.name, metric: fullName))
            return
        }
        let definition = metric.definition

        let unitSlot = field(.unit).kind == .string ? field(.unit) : base.unit
        if field(.unit).kind != .absent && field(.unit).kind != .string {
            shape(.unit, "a string")
            return
        }
        if let unitSlot, let expected = metric.unitBytes, !scanner.stringEquals(unitSlot, expected) {
            output.reasons.append(.unitMismatch(metric: definition.name, expected: definition.unit ?? "", found: scanner.string(unitSlot)))
            return
        }

        let value: Double
        let valueSlot = field(.value)
        if valueSlot.kind != .absent {
            guard valueSlot.kind == .number else {
                output.reasons.append(.notANumber(metric: definition.name, found: scanner.describe(valueSlot)))
                return
            }
            value = base.value + valueSlot.number
        } else if field(.boolValue).kind != .absent {
            switch field(.boolValue).kind {
            case .true: value = 1
            case .false: value = 0
            default:
                output.reasons.append(.notANumber(metric: definition.name, found: scanner.describe(field(.boolValue))))
                return
            }
        } else if field(.stringValue).kind != .absent {
            let slot = field(.stringValue)
            let mapped: Double? = slot.kind == .string && !metric.map.isEmpty
                ? scanner.stringBytes(slot).withUnsafeBufferPointer { metric.mapped($0) }
                : nil
            guard let mapped else {
                output.reasons.append(.notANumber(metric: definition.name, found: scanner.describe(slot)))
                return
            }
            value = mapped
        } else if field(.sum).kind != .absent {
            guard field(.sum).kind == .number else {
                output.reasons.append(.notANumber(metric: definition.name, found: scanner.describe(field(.sum))))
                return
            }
            value = base.sum + field(.sum).number
        } else if field(.dataValue).kind != .absent {
            output.reasons.append(.notANumber(metric: definition.name, found: "a data value (vd)"))
            return
        } else {
            output.reasons.append(.missingMetric(metric: definition.name, path: fullName))
            return
        }

        let seconds = base.time + relative
        let milliseconds = seconds < Self.relativeTimeLimit
            ? Double(receivedAt) + seconds * 1_000
            : seconds * 1_000
        guard milliseconds.isFinite, abs(milliseconds) <= Double(TimestampParser.maximum) else {
            output.reasons.append(.invalidTimestamp(field: "bt+t", found: String(seconds)))
            return
        }
        accept(value, metric: metric, device: device, timestamp: Int64(milliseconds.rounded()), into: &output)
    }

    /// The declared metric a record names: its path equals the full name (`bn` + `n`), or `n`,
    /// or the part of the full name after the last ':' or '/'.
    private func resolve(fullName: String, name: String, in plan: DecodePlan) -> DecodePlan.Metric? {
        if let metric = plan.metrics.first(where: { $0.definition.path == fullName }) { return metric }
        if !name.isEmpty, let metric = plan.metrics.first(where: { $0.definition.path == name }) { return metric }
        guard let separator = fullName.utf8.lastIndex(where: { $0 == UInt8(ascii: ":") || $0 == UInt8(ascii: "/") }) else {
            return nil
        }
        let suffix = fullName.utf8[fullName.utf8.index(after: separator)...]
        return plan.metrics.first { $0.definition.path.utf8.elementsEqual(suffix) }
    }
}
