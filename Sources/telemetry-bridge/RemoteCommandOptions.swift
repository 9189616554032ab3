import ArgumentParser
import Bridge
import Foundation
import MQTT
import Telemetry

/// `--broker URL` on `alerts ack|silence|unsilence`: the command goes to a running bridge over its
/// MQTT command topic (for operators without access to the database's machine) and the bridge's
/// answer is printed, exactly as the database path prints it.
struct RemoteCommandOptions: ParsableArguments {
    @Option(help: "Send the command through this broker (mqtt://host:port, mqtts://...) to a running bridge instead of writing the database.")
    var broker: String?

    @Option(help: "With --broker: the bridge's MQTT client id. Default: the configured client-id (telemetry-bridge-<host name>).")
    var bridgeId: String?

    @Option(help: "With --broker: seconds to wait for the bridge's answer.")
    var timeout: Int = 10

    /// Publishes `object` (plus a fresh `requestId`) on the bridge's command topic `name` and
    /// waits for the answer that echoes it. Prints the event on success; exits 1 with the refusal
    /// (2 for an invalid command), or 1 when no answer comes in time.
    func send(_ name: String, _ object: [String: Any], config: String?) throws {
        guard let broker else { return }
        guard (1...3600).contains(timeout) else { throw CommandFailure.exit("--timeout: between 1 and 3600 seconds", code: 2) }
        let configuration = try ConfigurationResolver.resolve(config: config, flags: ["broker": broker])
        var mqtt: MQTTConfiguration
        do {
            mqtt = try configuration.mqttConfiguration()
        } catch {
            throw CommandFailure.exit(.mqtt(error))
        }
        let bridge = bridgeId ?? mqtt.clientID
        let requestID = UUID().uuidString.lowercased()
        mqtt.clientID = "\(bridge)-cli-\(requestID.prefix(8))"
        mqtt.cleanSession = true
        mqtt.statusTopic = nil
        var command = object
        command["requestId"] = requestID
        guard let payload = try? JSONSerialization.data(withJSONObject: command, options: [.sortedKeys]) else {
            throw CommandFailure.exit("cannot encode the command", code: 2)
        }
        let topic = "telemetry-bridge/\(bridge)/commands/\(name)"
        let answer = Answer(requestID: requestID)
        let client = MQTTClient(configuration: mqtt, logger: LogSetup.bootstrap(level: "error"))
        do {
            try client.connect(subscriptions: [MQTTSubscription(topic + "/response", qos: 1)]) { batch in
                for message in batch.messages { answer.offer(message.payload) }
            }
            try client.publish(topic: topic, payload: Array(payload), qos: 1)
            _ = try client.flush(timeout: .seconds(timeout))
        } catch {
            client.disconnect()
            throw CommandFailure.exit(.mqtt(error))
        }
        let received = answer.wait(seconds: timeout)
        client.disconnect()
        guard let (response, text) = received else {
            throw CommandFailure.exit("no answer on \(topic)/response within \(timeout) s: is a bridge with client id '\(bridge)' running on that broker? (--bridge-id)", code: 1)
        }
        // The answer is {"ok":true,"requestId":"…","event":EVENT}: print EVENT byte for byte.
        if response["ok"] as? Bool == true, let start = text.range(of: #","event":"#), text.hasSuffix("}") {
            print(text[start.upperBound..<text.index(before: text.endIndex)])
            return
        }
        let error = response["error"] as? [String: Any] ?? [:]
        let parameter = (error["parameter"] as? String).map { "\($0): " } ?? ""
        throw CommandFailure.exit(parameter + (error["message"] as? String ?? "refused"), code: error["code"] as? String == "invalid" ? 2 : 1)
    }
}

/// The bridge's answer to one request, handed from the network thread to the waiting command.
private final class Answer: @unchecked Sendable {
    private let requestID: String
    private let condition = NSCondition()
    private var response: (object: [String: Any], text: String)?

    init(requestID: String) {
        self.requestID = requestID
    }

    /// Keeps a response that echoes our request id; ignores others (other operators' answers).
    func offer(_ payload: [UInt8]) {
        guard let object = (try? JSONSerialization.jsonObject(with: Data(payload))) as? [String: Any],
              object["requestId"] as? String == requestID else { return }
        condition.lock()
        response = (object, String(decoding: payload, as: UTF8.self))
        condition.broadcast()
        condition.unlock()
    }

    func wait(seconds: Int) -> (object: [String: Any], text: String)? {
        let deadline = Date(timeIntervalSinceNow: Double(seconds))
        condition.lock()
        defer { condition.unlock() }
        while response == nil, condition.wait(until: deadline) {}
        return response
    }
}
