import Logging
import MQTT
import Operations
import Storage

/// Operators' commands over MQTT: `telemetry-bridge/<client id>/commands/<name>` (`ack`,
/// `silence`, `unsilence`; JSON as ``OperatorCommand`` reads it), each answered on the same topic
/// plus `/response` (QoS 1) with the result and the command's MQTT 5 correlation data, so a client
/// can match answers to questions (or by the command's `requestId`).
///
/// Retained commands are refused: a command is an act, and a retained one would be acted on again
/// by every bridge that subscribes later.
struct OperatorCommandTopics: Sendable {
    /// `telemetry-bridge/<client id>/commands/`.
    let prefix: String

    init(clientID: String) {
        prefix = "telemetry-bridge/\(clientID)/commands/"
    }

    var subscription: String { prefix + "+" }

    func isCommand(_ topic: String) -> Bool {
        topic.hasPrefix(prefix)
    }

    /// Carries out one command message and returns its response message.
    func handle(_ message: MQTTMessage, pipeline: IngestPipeline, now: Int64, logger: Logger)
        -> (topic: String, payload: [UInt8], properties: MQTTPublishProperties)
    {
        let name = String(message.topic.dropFirst(prefix.count))
        let (result, requestID): (Result<LoggedAlertEvent, OperatorError>, String?) = if message.retain {
            (.failure(OperatorError(.invalid, parameter: "retain", "retained commands are not carried out; publish it without the retain flag")), nil)
        } else {
            OperatorCommand.carryOut(name: name, payload: message.payload, now: now) { command throws(OperatorError) in
                try pipeline.perform(command)
            }
        }
        switch result {
        case .success(let event):
            logger.info("operator command carried out", metadata: ["command": "\(name)", "sequence": "\(event.sequence)"])
        case .failure(let error):
            logger.notice("operator command refused", metadata: ["command": "\(name)", "code": "\(error.code.rawValue)", "error": "\(error)"])
        }
        return (message.topic + "/response", OperatorCommand.response(result, requestID: requestID),
                MQTTPublishProperties(correlationData: message.correlationData, contentType: "application/json"))
    }
}
