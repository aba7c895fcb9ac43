/// One line of a history file as decoded from JSON, before invocations and completions are paired.
struct HistoryEvent: Decodable {
    var process: Int
    var type: String
    var f: String?
    var key: String?
    var value: HistoryValue?
    var time: Int64
}
