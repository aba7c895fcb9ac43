/// Columns padded to their widest cell, for terminal output.
struct TextTable {
    var titles: [String]
    var rows: [[String]]

    var lines: [String] {
        let widths = titles.indices.map { column in
            ([titles[column]] + rows.map { column < $0.count ? $0[column] : "" }).map(\.count).max() ?? 0
        }
        func line(_ cells: [String]) -> String {
            titles.indices.map { column in
                let cell = column < cells.count ? cells[column] : ""
                return column == 0 ? cell.padding(toLength: widths[column], withPad: " ", startingAt: 0)
                    : String(repeating: " ", count: widths[column] - cell.count) + cell
            }.joined(separator: "  ")
        }
        return [line(titles)] + rows.map(line)
    }
}

/// A GitHub-flavoured Markdown table, for docs/benchmarks.md.
struct MarkdownTable {
    var titles: [String]
    var rows: [[String]]

    var text: String {
        func line(_ cells: [String]) -> String {
            "| " + cells.map { $0.replacingOccurrences(of: "|", with: "\\|") }.joined(separator: " | ") + " |"
        }
        return ([line(titles), line(titles.map { _ in "---" })] + rows.map(line)).joined(separator: "\n")
    }
}
