/// Draws indices in proportion to their weights (a cumulative table and a binary search).
struct WeightedChooser: Sendable {
    private let cumulative: [UInt64]

    /// - Parameter weights: at least one must be positive.
    init(weights: [Int]) {
        var total: UInt64 = 0
        cumulative = weights.map { weight in
            total += UInt64(max(0, weight))
            return total
        }
        precondition(total > 0, "no positive weight")
    }

    var count: Int { cumulative.count }

    func next(using random: inout SplitMix64) -> Int {
        let draw = random.next(below: cumulative.last!)
        // The first index whose cumulative weight exceeds the draw.
        var low = 0
        var high = cumulative.count - 1
        while low < high {
            let middle = (low + high) / 2
            if cumulative[middle] > draw { high = middle } else { low = middle + 1 }
        }
        return low
    }
}
