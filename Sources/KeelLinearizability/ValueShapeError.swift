/// A `value` field whose shape does not fit its function; becomes a `HistoryFormatError`.
struct ValueShapeError: Error {
    var detail: String

    init(_ detail: String) {
        self.detail = detail
    }
}

extension Error {
    var detail: String {
        (self as? ValueShapeError)?.detail ?? String(describing: self)
    }
}
