extension MessageDecoder {
    /// `format: value`: the payload is one number (or a mapped word); the metric is the topic's
    /// `{metric}` level, matched against the metrics' paths.
    func decodeValue(
        _ message: InboundMessage, plan: DecodePlan, device: String, metric name: String, into output: inout DecodeOutput
    ) {
        guard let metric = plan.metrics.first(where: { $0.definition.path == name }) else {
            output.reasons.append(.unknownMetric(deviceType: plan.type.name, metric: name))
            return
        }
        message.payload.withUnsafeBufferPointer { bytes in
            var start = 0
            var end = bytes.count
            while start < end && Self.isASCIIWhitespace(bytes[start]) { start += 1 }
            while end > start && Self.isASCIIWhitespace(bytes[end - 1]) { end -= 1 }
            let text = UnsafeBufferPointer(rebasing: bytes[start..<end])

            if let value = Self.value(of: text, metric: metric) {
                accept(value, metric: metric, device: device, timestamp: message.receivedAt, into: &output)
            } else if let offset = JSONScanner.firstInvalidUTF8(bytes, from: start, to: end) {
                output.reasons.append(.invalidUTF8(offset: offset))
            } else {
                let shown = text.isEmpty ? "an empty payload" : "\"\(JSONScanner.truncated(String(decoding: text, as: UTF8.self)))\""
                output.reasons.append(.notANumber(metric: metric.definition.name, found: shown))
            }
        }
    }

    /// The number a trimmed value payload stands for: a mapped word (also when quoted), a number
    /// (a leading `+` allowed), `true`/`false`, or ±infinity/NaN for the non-finite spellings.
    private static func value(of text: UnsafeBufferPointer<UInt8>, metric: DecodePlan.Metric) -> Double? {
        guard !text.isEmpty else { return nil }
        if !metric.map.isEmpty {
            if let mapped = metric.mapped(text) { return mapped }
            if text.count >= 2, text[0] == UInt8(ascii: "\""), text[text.count - 1] == UInt8(ascii: "\"") {
                if let mapped = metric.mapped(UnsafeBufferPointer(rebasing: text[1..<(text.count - 1)])) { return mapped }
            }
        }
        let numberStart = text[0] == UInt8(ascii: "+") ? 1 : 0
        if case .number(let end, let value) = NumberParser.scan(text, from: numberStart, convert: true), end == text.count {
            return value
        }
        guard text.count <= 9 else { return nil }
        switch String(decoding: text, as: UTF8.self).lowercased() {
        case "true": return 1
        case "false": return 0
        case "nan", "+nan", "-nan": return .nan
        case "inf", "+inf", "infinity", "+infinity": return .infinity
        case "-inf", "-infinity": return -.infinity
        default: return nil
        }
    }

    @inline(__always)
    static func isASCIIWhitespace(_ byte: UInt8) -> Bool {
        byte == 0x20 || (byte >= 0x09 && byte <= 0x0D)
    }
}
