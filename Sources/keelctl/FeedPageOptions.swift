import ArgumentParser
import KeelFeed

/// Which page of a feed `keelctl feed timeline` and `feed user-feed` print.
struct FeedPageOptions: ParsableArguments {
    @Option(help: "At most this many activities.")
    var limit = 30

    @Option(help: "Continue after this cursor (printed by the previous page).")
    var before: String?

    func validate() throws { _ = try cursor() }

    /// Reads `--before`: a cursor token printed by a previous page.
    func cursor() throws -> FeedCursor? {
        guard let before else { return nil }
        do {
            return try FeedCursor(token: before)
        } catch {
            throw ValidationError("--before \"\(before)\" is not a cursor printed by a previous page")
        }
    }
}
