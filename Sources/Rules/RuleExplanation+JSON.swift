extension RuleExplanation {
    /// One JSON object: `{"alert","file","line","state","pendingSince"?,"raisedId"?,"raisedAt"?,
    /// "countdown"?,"flapping","watermark","when":{node},"clear"?:{node}}`, each node
    /// `{"expression","value","window"?:{"from","to","readings"},"children"?:[...]}`; a value is
    /// a number, true/false, a string, or null when unknown.
    public var json: String {
        var writer = JSONObjectBuilder()
        writer.field("alert", alert)
        writer.field("file", file)
        writer.field("line", raw: String(line))
        writer.field("state", "\(state)")
        if let pendingSince { writer.field("pendingSince", EventTimestamp.format(pendingSince)) }
        if let raised {
            writer.field("raisedId", raised.id)
            writer.field("raisedAt", EventTimestamp.format(raised.at))
        }
        if let countdown {
            var object = JSONObjectBuilder()
            object.field("setting", countdown.kind)
            object.field("since", EventTimestamp.format(countdown.since))
            writer.field("countdown", raw: object.finished)
        }
        writer.field("flapping", raw: flapping ? "true" : "false")
        if watermark != .min { writer.field("watermark", EventTimestamp.format(watermark)) }
        writer.field("when", raw: when.json)
        if let clear { writer.field("clear", raw: clear.json) }
        return writer.finished
    }
}

extension ExplainedExpression {
    public var json: String {
        var writer = JSONObjectBuilder()
        writer.field("expression", text)
        switch value {
        case .number(let number): writer.field("value", number: number)
        case .truth(let holds): writer.field("value", raw: holds ? "true" : "false")
        case .text(let text): writer.field("value", text)
        case .unknown: writer.field("value", raw: "null")
        }
        if let window {
            var object = JSONObjectBuilder()
            object.field("from", EventTimestamp.format(window.from))
            object.field("to", EventTimestamp.format(window.to))
            object.field("readings", raw: String(window.readings))
            writer.field("window", raw: object.finished)
        }
        if !children.isEmpty {
            writer.field("children", raw: "[" + children.map(\.json).joined(separator: ",") + "]")
        }
        return writer.finished
    }
}
