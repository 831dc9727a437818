/// Unified diffs of text, line by line (Myers' O(ND) algorithm), as `diff -u` prints them.
public enum UnifiedDiff {
    public static func make(old: [UInt8]?, new: [UInt8]?, path: String, context: Int = 3) -> String {
        let oldName = old == nil ? "/dev/null" : "a" + path
        let newName = new == nil ? "/dev/null" : "b" + path
        if isBinary(old) || isBinary(new) {
            return old == new ? "" : "Binary files \(oldName) and \(newName) differ\n"
        }
        let a = lines(old ?? [])
        let b = lines(new ?? [])
        if a == b { return "" }
        let edits = diff(a, b)
        return "--- \(oldName)\n+++ \(newName)\n" + hunks(edits, a, b, context: context)
    }

    static func isBinary(_ data: [UInt8]?) -> Bool {
        guard let data else { return false }
        return data.prefix(8000).contains(0)
    }

    static func lines(_ data: [UInt8]) -> [Substring] {
        if data.isEmpty { return [] }
        let text = String(decoding: data, as: UTF8.self)
        var out = text.split(separator: "\n", omittingEmptySubsequences: false)
        if text.hasSuffix("\n") { out.removeLast() }
        return out
    }

    enum Edit: Equatable { case same(Int, Int), delete(Int), insert(Int) }

    /// The shortest edit script from a to b.
    static func diff(_ a: [Substring], _ b: [Substring]) -> [Edit] {
        // trim the common prefix and suffix: most config changes touch a few lines
        var start = 0
        while start < a.count, start < b.count, a[start] == b[start] { start += 1 }
        var endA = a.count, endB = b.count
        while endA > start, endB > start, a[endA - 1] == b[endB - 1] { endA -= 1; endB -= 1 }
        var edits: [Edit] = (0..<start).map { .same($0, $0) }
        edits += myers(a, b, start, endA, start, endB)
        edits += (0..<(a.count - endA)).map { .same(endA + $0, endB + $0) }
        return edits
    }

    private static func myers(_ a: [Substring], _ b: [Substring], _ a0: Int, _ a1: Int, _ b0: Int, _ b1: Int) -> [Edit] {
        let n = a1 - a0, m = b1 - b0
        if n == 0 { return (b0..<b1).map { .insert($0) } }
        if m == 0 { return (a0..<a1).map { .delete($0) } }
        let max = n + m
        var v = [Int](repeating: 0, count: 2 * max + 2)
        var trace: [[Int]] = []
        outer: for d in 0...max {
            trace.append(v)
            for k in stride(from: -d, through: d, by: 2) {
                var x: Int
                if k == -d || (k != d && v[max + k - 1] < v[max + k + 1]) { x = v[max + k + 1] } else { x = v[max + k - 1] + 1 }
                var y = x - k
                while x < n, y < m, a[a0 + x] == b[b0 + y] { x += 1; y += 1 }
                v[max + k] = x
                if x >= n && y >= m { trace.append(v); break outer }
            }
        }
        // walk back through the trace
        var edits: [Edit] = []
        var x = n, y = m
        for d in stride(from: trace.count - 2, through: 1, by: -1) {
            let vd = trace[d]
            let k = x - y
            let prevK = (k == -d || (k != d && vd[max + k - 1] < vd[max + k + 1])) ? k + 1 : k - 1
            let prevX = vd[max + prevK]
            let prevY = prevX - prevK
            while x > prevX && y > prevY { x -= 1; y -= 1; edits.append(.same(a0 + x, b0 + y)) }
            if x == prevX { y -= 1; edits.append(.insert(b0 + y)) } else { x -= 1; edits.append(.delete(a0 + x)) }
        }
        while x > 0 && y > 0 { x -= 1; y -= 1; edits.append(.same(a0 + x, b0 + y)) }
        return edits.reversed()
    }

    private static func hunks(_ edits: [Edit], _ a: [Substring], _ b: [Substring], context: Int) -> String {
        var out = ""
        var i = 0
        while i < edits.count {
            // find the next change
            guard let first = edits[i...].firstIndex(where: { if case .same = $0 { return false } else { return true } }) else { break }
            let start = max(i, first - context)
            var end = first
            var lastChange = first
            while end < edits.count {
                if case .same = edits[end] {
                    if end - lastChange > 2 * context { break }
                } else {
                    lastChange = end
                }
                end += 1
            }
            end = min(edits.count, lastChange + context + 1)
            var oldStart = -1, newStart = -1, oldCount = 0, newCount = 0
            var body = ""
            for e in edits[start..<end] {
                switch e {
                case .same(let x, let y):
                    if oldStart < 0 { oldStart = x }
                    if newStart < 0 { newStart = y }
                    oldCount += 1; newCount += 1
                    body += " " + a[x] + "\n"
                case .delete(let x):
                    if oldStart < 0 { oldStart = x }
                    oldCount += 1
                    body += "-" + a[x] + "\n"
                case .insert(let y):
                    if newStart < 0 { newStart = y }
                    newCount += 1
                    body += "+" + b[y] + "\n"
                }
            }
            // a hunk with no old (or new) lines starts at the line before, per diff -u
            let os = oldCount == 0 ? position(before: edits, start, isOld: true) : oldStart + 1
            let ns = newCount == 0 ? position(before: edits, start, isOld: false) : newStart + 1
            out += "@@ -\(os),\(oldCount) +\(ns),\(newCount) @@\n" + body
            i = end
        }
        return out
    }

    private static func position(before edits: [Edit], _ index: Int, isOld: Bool) -> Int {
        var count = 0
        for e in edits[..<index] {
            switch e {
            case .same: count += 1
            case .delete: if isOld { count += 1 }
            case .insert: if !isOld { count += 1 }
            }
        }
        return count
    }
}
