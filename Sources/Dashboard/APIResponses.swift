/// The Codable shapes the JSON API answers with. Times are ISO 8601 UTC with milliseconds.
enum APIResponses {
    struct SeriesSummary: Encodable, Equatable {
        var metric: String
        var unit: String?
    }

    struct Device: Encodable, Equatable {
        var id: String
        var type: String
        var labels: [String: String]
        var firstSeen: String
        var lastSeen: String
        var series: [SeriesSummary]
    }

    struct DeadLetter: Encodable, Equatable {
        var id: Int64
        var receivedAt: String
        var topic: String
        var reason: String
        var detail: String
        var payloadPreview: String
    }

    struct Health: Encodable, Equatable {
        var status: String
        var checks: [String: String]
    }
}
