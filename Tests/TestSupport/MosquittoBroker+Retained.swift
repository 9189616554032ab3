extension MosquittoBroker {
    /// The retained messages under `prefix/#` now, as "topic payload" lines, read deterministically:
    /// `--retained-only` makes mosquitto_sub exit at the first live message, which is published
    /// (on `prefix/~marker`) after it subscribed.
    public func retainedMessages(under prefix: String) throws -> [String] {
        let reader = try MosquittoSubscription(clientOptions(), topics: ["\(prefix)/#"], extraArguments: ["--retained-only"])
        defer { reader.stop() }
        try MosquittoClients.publish(clientOptions(), topic: "\(prefix)/~marker", payload: .text("end"), qos: 1)
        _ = try reader.child.waitUntilExit(timeout: .seconds(10))
        return reader.lines.filter { !$0.hasPrefix("\(prefix)/~marker") }
    }
}
