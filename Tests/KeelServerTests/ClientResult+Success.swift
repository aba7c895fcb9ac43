import KeelWire

extension ClientResult {
    var isSuccess: Bool {
        if case .error = self { return false }
        return true
    }
}
