import KeelWire

// Reading many keys in one request: one frame each way, one ReadIndex round for a
// linearizable read, and one consistent state for every key.
extension KeelClient {
    /// The most keys one ``getMany(_:consistency:timeout:)`` may name (the node's limit).
    public static let maximumKeysPerGetMany = 1_000
    /// The most bytes of values one ``getMany(_:consistency:timeout:)`` answer may carry,
    /// 8 MiB (the node's limit); a larger answer is refused with ``KeelError/tooLarge(message:)``.
    public static let maximumGetManyValueBytes = 8 << 20

    /// Reads many keys at once, from one state of the serving node.
    ///
    /// ```swift
    /// let values = try await client.getMany(["user:1".utf8, "user:2".utf8])
    /// // values[0] is user:1's value or nil, values[1] user:2's.
    /// ```
    /// - Parameters:
    ///   - keys: 0 to ``maximumKeysPerGetMany`` keys; a key may appear more than once.
    ///   - consistency: How fresh the read must be; linearizable by default (one leadership
    ///     confirmation for all keys).
    ///   - timeout: How long the call may take, retries included.
    /// - Returns: One value per key, in the order of `keys`; `nil` where a key is absent.
    /// - Throws: ``KeelError/invalidArgument(message:)`` for an empty or oversize key or too
    ///   many keys; ``KeelError/tooLarge(message:)`` when the values found total more than
    ///   ``maximumGetManyValueBytes`` (ask for fewer keys); other ``KeelError``s;
    ///   `CancellationError` when the task is cancelled.
    public func getMany<Key: Collection<UInt8>>(
        _ keys: [Key],
        consistency: ReadConsistency = .linearizable,
        timeout: Duration? = nil
    ) async throws -> [[UInt8]?] {
        try await self.readMany(keys, consistency: consistency, timeout: timeout).values
    }

    /// Reads many keys at once, together with the serving node's applied index.
    /// - Parameters:
    ///   - keys: 0 to ``maximumKeysPerGetMany`` keys; a key may appear more than once.
    ///   - consistency: How fresh the read must be; linearizable by default.
    ///   - timeout: How long the call may take, retries included.
    /// - Throws: As ``getMany(_:consistency:timeout:)``.
    public func readMany<Key: Collection<UInt8>>(
        _ keys: [Key],
        consistency: ReadConsistency = .linearizable,
        timeout: Duration? = nil
    ) async throws -> MultiReadResult {
        let operation = ClientOperation.getMany(keys: keys.map { Array($0) }, consistency: consistency.wireValue)
        let result = try await self.execute(operation, route: consistency.route, timeout: timeout)
        guard case .getMany(let values, let appliedIndex) = result, values.count == keys.count else {
            throw KeelError.unexpectedResponse("expected a multi-get result with \(keys.count) values, got \(result)")
        }
        return MultiReadResult(values: values, appliedIndex: appliedIndex)
    }
}
