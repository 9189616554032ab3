/// What the decoder made of one message: the device it came from (when the topic matched a
/// template), the readings it carried, and the dead letter describing whatever was wrong with it.
///
/// A message can be partly good: a climate payload whose humidity is out of range still yields its
/// temperature reading, and the message is also dead-lettered with the reason. Re-decoding that
/// dead letter later is harmless because readings are idempotent.
public struct DecodedMessage: Sendable, Hashable {
    public var device: Device?
    public var readings: [Reading]
    public var deadLetter: DeadLetter?
    /// The payload's per-device message counter, when the type declares `sequence:` and the
    /// payload carries an integer there.
    public var sequence: Int64?

    public init(device: Device?, readings: [Reading], deadLetter: DeadLetter?, sequence: Int64? = nil) {
        self.device = device
        self.readings = readings
        self.deadLetter = deadLetter
        self.sequence = sequence
    }
}
