import KeelWire

// The key-value operations. Keys and values are arbitrary bytes: pass `[UInt8]`,
// `"text".utf8`, `Data` or any other collection of bytes. Every call takes an optional
// `timeout` that overrides ``KeelClientConfiguration/requestTimeout`` for that call; retries
// happen within it.
extension KeelClient {
    /// Reads the value of a key.
    /// - Parameters:
    ///   - key: The key.
    ///   - consistency: How fresh the read must be; linearizable by default.
    ///   - timeout: How long the call may take, retries included.
    /// - Returns: The value, or `nil` when the key is absent.
    /// - Throws: ``KeelError``; `CancellationError` when the task is cancelled.
    public func get(
        _ key: some Collection<UInt8>,
        consistency: ReadConsistency = .linearizable,
        timeout: Duration? = nil
    ) async throws -> [UInt8]? {
        try await self.read(key, consistency: consistency, timeout: timeout).value
    }

    /// Reads the value of a key together with the serving node's applied index.
    /// - Parameters:
    ///   - key: The key.
    ///   - consistency: How fresh the read must be; linearizable by default.
    ///   - timeout: How long the call may take, retries included.
    /// - Throws: ``KeelError``; `CancellationError` when the task is cancelled.
    public func read(
        _ key: some Collection<UInt8>,
        consistency: ReadConsistency = .linearizable,
        timeout: Duration? = nil
    ) async throws -> ReadResult {
        let operation = ClientOperation.get(key: Array(key), consistency: consistency.wireValue)
        let result = try await self.execute(operation, route: consistency.route, timeout: timeout)
        guard case .get(let value, let appliedIndex) = result else {
            throw KeelError.unexpectedResponse("expected a get result, got \(result)")
        }
        return ReadResult(value: value, appliedIndex: appliedIndex)
    }

    /// Stores a value under a key, replacing any value.
    /// - Parameters:
    ///   - key: The key.
    ///   - value: The value.
    ///   - timeout: How long the call may take, retries included.
    /// - Returns: The log index of the entry that carried the write.
    /// - Throws: ``KeelError``; `CancellationError` when the task is cancelled.
    @discardableResult
    public func put(
        _ key: some Collection<UInt8>,
        value: some Collection<UInt8>,
        timeout: Duration? = nil
    ) async throws -> UInt64 {
        let result = try await self.execute(.write(.put(key: Array(key), value: Array(value))), route: .leader, timeout: timeout)
        guard case .put(let appliedIndex) = result else {
            throw KeelError.unexpectedResponse("expected a put result, got \(result)")
        }
        return appliedIndex
    }

    /// Removes a key; removing an absent key succeeds.
    /// - Parameters:
    ///   - key: The key.
    ///   - timeout: How long the call may take, retries included.
    /// - Returns: The log index of the entry that carried the write.
    /// - Throws: ``KeelError``; `CancellationError` when the task is cancelled.
    @discardableResult
    public func delete(_ key: some Collection<UInt8>, timeout: Duration? = nil) async throws -> UInt64 {
        let result = try await self.execute(.write(.delete(key: Array(key))), route: .leader, timeout: timeout)
        guard case .delete(let appliedIndex) = result else {
            throw KeelError.unexpectedResponse("expected a delete result, got \(result)")
        }
        return appliedIndex
    }

    /// Writes a key only if it currently matches `expected`.
    ///
    /// ```swift
    /// // Create only if absent:
    /// try await client.compareAndSet("lock".utf8, expected: .absent, replacement: .value(owner))
    /// // Release only if still ours:
    /// try await client.compareAndSet("lock".utf8, expected: .value(owner), replacement: .delete)
    /// ```
    /// - Parameters:
    ///   - key: The key.
    ///   - expected: What the key must hold (or that it must be absent).
    ///   - replacement: The new value, or ``CompareAndSetReplacement/delete``.
    ///   - timeout: How long the call may take, retries included.
    /// - Returns: The log index of the entry that carried the write.
    /// - Throws: ``KeelError/conditionFailed(message:)`` when the key did not match (nothing
    ///   was written); other ``KeelError``s; `CancellationError`.
    @discardableResult
    public func compareAndSet(
        _ key: some Collection<UInt8>,
        expected: CompareAndSetExpectation,
        replacement: CompareAndSetReplacement,
        timeout: Duration? = nil
    ) async throws -> UInt64 {
        let write = WriteOperation.compareAndSet(key: Array(key), expected: expected.wireValue, newValue: replacement.wireValue)
        let result = try await self.execute(.write(write), route: .leader, timeout: timeout)
        guard case .compareAndSet(let appliedIndex) = result else {
            throw KeelError.unexpectedResponse("expected a compare-and-set result, got \(result)")
        }
        return appliedIndex
    }

    /// Adds `delta` to the 64-bit counter at a key; an absent key counts as 0.
    ///
    /// The counter is stored as 8 bytes, big-endian two's complement, which is what ``get(_:consistency:timeout:)``
    /// returns for it (see ``KeelClient/counterValue(_:)``).
    /// - Parameters:
    ///   - key: The key.
    ///   - delta: The amount to add (negative to subtract); 1 by default.
    ///   - timeout: How long the call may take, retries included.
    /// - Returns: The counter's new value.
    /// - Throws: ``KeelError/invalidArgument(message:)`` when the key holds something that is
    ///   not a counter or the sum overflows; other ``KeelError``s; `CancellationError`.
    @discardableResult
    public func increment(_ key: some Collection<UInt8>, by delta: Int64 = 1, timeout: Duration? = nil) async throws -> Int64 {
        let result = try await self.execute(.write(.increment(key: Array(key), delta: delta)), route: .leader, timeout: timeout)
        guard case .increment(let value, _) = result else {
            throw KeelError.unexpectedResponse("expected an increment result, got \(result)")
        }
        return value
    }

    /// Applies several writes atomically and in order: all of them, or none when a
    /// compare-and-set condition fails or a write is invalid.
    /// - Parameters:
    ///   - writes: The writes; a later one sees the effect of an earlier one on the same key.
    ///   - timeout: How long the call may take, retries included.
    /// - Returns: The new values of the batch's increments and the batch's log index.
    /// - Throws: ``KeelError/conditionFailed(message:)`` or
    ///   ``KeelError/invalidArgument(message:)`` (nothing was written); other ``KeelError``s;
    ///   `CancellationError`.
    @discardableResult
    public func batch(_ writes: [BatchWrite], timeout: Duration? = nil) async throws -> BatchResult {
        let result = try await self.execute(.batch(writes.map(\.wireValue)), route: .leader, timeout: timeout)
        guard case .batch(let incrementValues, let appliedIndex) = result else {
            throw KeelError.unexpectedResponse("expected a batch result, got \(result)")
        }
        return BatchResult(incrementValues: incrementValues, appliedIndex: appliedIndex)
    }

    /// Reads one page of the keys that start with `prefix`, in ascending byte order.
    ///
    /// ```swift
    /// var startAfter: [UInt8]? = nil
    /// repeat {
    ///     let page = try await client.scan(prefix: "user:".utf8, startAfter: startAfter, limit: 100)
    ///     handle(page.entries)
    ///     startAfter = page.nextStartAfter
    /// } while startAfter != nil
    /// ```
    /// - Parameters:
    ///   - prefix: The key prefix; empty for all keys.
    ///   - startAfter: Begin with the first key greater than this one (the last key of the
    ///     previous page); `nil` to begin at the prefix.
    ///   - limit: The most entries to return; 0 for the node's maximum (which also caps larger
    ///     limits).
    ///   - consistency: How fresh the read must be; linearizable by default. Each page is a
    ///     separate read, so pages may reflect different moments.
    ///   - timeout: How long the call may take, retries included.
    /// - Throws: ``KeelError``; `CancellationError` when the task is cancelled.
    public func scan(
        prefix: some Collection<UInt8>,
        startAfter: [UInt8]? = nil,
        limit: UInt32 = 0,
        consistency: ReadConsistency = .linearizable,
        timeout: Duration? = nil
    ) async throws -> ScanPage {
        let operation = ClientOperation.scan(
            prefix: Array(prefix),
            startAfter: startAfter,
            limit: limit,
            consistency: consistency.wireValue
        )
        let result = try await self.execute(operation, route: consistency.route, timeout: timeout)
        guard case .scan(let entries, let more, let appliedIndex) = result else {
            throw KeelError.unexpectedResponse("expected a scan result, got \(result)")
        }
        return ScanPage(
            entries: entries.map { ScanEntry(key: $0.key, value: $0.value) },
            more: more,
            appliedIndex: appliedIndex
        )
    }

    /// Decodes a counter written by ``increment(_:by:timeout:)`` from the bytes
    /// ``get(_:consistency:timeout:)`` returns.
    /// - Returns: The counter, or `nil` when `bytes` are not 8 bytes long.
    public static func counterValue(_ bytes: [UInt8]) -> Int64? {
        guard bytes.count == 8 else {
            return nil
        }
        return Int64(bitPattern: bytes.reduce(0) { ($0 << 8) | UInt64($1) })
    }
}
