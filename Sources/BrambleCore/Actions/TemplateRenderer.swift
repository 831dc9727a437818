import LuaKit
import Mustache

/// Mustache rendering through swift-mustache, as text: every template is rendered with the TEXT
/// content type, so '&' and '<' in a config file stay as they are. A name the template uses that the
/// values do not have is an error naming it (Mustache itself would silently print nothing).
public enum TemplateRenderer {
    public static func find(_ name: String, in folders: [String]) throws -> (text: String, origin: String) {
        guard !name.contains("/"), !name.hasPrefix("."), !name.isEmpty else {
            throw LuaRaise("template: 'template' must be a file name like \"dnsmasq.conf.mustache\", got '\(name)'")
        }
        let local = LocalHost()
        for folder in folders {
            let candidate = folder + "/" + name
            if let data = local.readIfPresent(candidate) { return (String(decoding: data, as: UTF8.self), candidate) }
        }
        throw LuaRaise("template: no template '\(name)' (searched: \(folders.joined(separator: ", ")))")
    }

    nonisolated(unsafe) private static var cache: [String: MustacheTemplate] = [:]
    nonisolated(unsafe) private static var namesCache: [String: Set<String>?] = [:]

    /// Every name a template may look up at its root: each word inside a tag, and the first part of
    /// each dotted name (more than it uses is harmless). nil when a tag changes the delimiters.
    public static func names(in text: String) -> Set<String>? {
        if let cached = namesCache[text] { return cached }
        var names: Set<String>? = []
        let bytes = Array(text.utf8)
        var i = 0
        scan: while i + 1 < bytes.count {
            guard bytes[i] == UInt8(ascii: "{"), bytes[i + 1] == UInt8(ascii: "{") else { i += 1; continue }
            var j = i + 2
            while j < bytes.count, bytes[j] == UInt8(ascii: "{") || bytes[j] == UInt8(ascii: " ") { j += 1 }
            if j < bytes.count, bytes[j] == UInt8(ascii: "=") { names = nil; break scan }
            var word: [UInt8] = []
            var inFirstPart = true
            while j + 1 < bytes.count, !(bytes[j] == UInt8(ascii: "}") && bytes[j + 1] == UInt8(ascii: "}")) {
                let b = bytes[j]
                let isWordByte = (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a) || b == UInt8(ascii: "_")
                    || b == UInt8(ascii: "-") || b >= 0x80
                if isWordByte {
                    if inFirstPart { word.append(b) }
                } else {
                    if !word.isEmpty { names?.insert(String(decoding: word, as: UTF8.self)) }
                    word = []
                    // after a '.', the rest of a dotted name is looked up in what its first part gave
                    inFirstPart = b != UInt8(ascii: ".")
                }
                j += 1
            }
            if !word.isEmpty { names?.insert(String(decoding: word, as: UTF8.self)) }
            i = j + 2
        }
        namesCache[text] = names
        return names
    }

    public static func render(_ text: String, values: LuaTable, origin: String) throws -> String {
        let template: MustacheTemplate
        if let cached = cache[text] {
            template = cached
        } else {
            do {
                template = try MustacheTemplate(string: text.hasPrefix("{{% CONTENT_TYPE") ? text : "{{% CONTENT_TYPE: TEXT}}" + text)
            } catch {
                throw LuaRaise("template: \(origin) does not parse: \(error)")
            }
            cache[text] = template
        }
        let misses = MissRecorder()
        let root = Scope(values, recorder: misses, isRoot: true)
        let output = template.render(root)
        if let first = misses.names.first {
            let others = misses.names.count > 1 ? " (also: \(misses.names.dropFirst().joined(separator: ", ")))" : ""
            throw LuaRaise("template: \(origin) uses '\(first)', which is missing from the values\(others)")
        }
        return output
    }

    /// Names looked up and found nowhere, in the order first seen.
    final class MissRecorder {
        var names: [String] = []
        var seen: Set<String> = []
        func miss(_ name: String) {
            if seen.insert(name).inserted { names.append(name) }
        }
    }

    /// A table as Mustache sees it. Lookups climb from the innermost scope to the root, so a miss is
    /// only real when the root misses too.
    struct Scope: MustacheParent {
        let table: LuaTable
        let recorder: MissRecorder
        let isRoot: Bool

        init(_ table: LuaTable, recorder: MissRecorder, isRoot: Bool) {
            self.table = table
            self.recorder = recorder
            self.isRoot = isRoot
        }

        func child(named name: String) -> Any? {
            guard let value = table.fields[name] else {
                if isRoot { recorder.miss(name) }
                return nil
            }
            return convert(value)
        }

        func convert(_ value: LuaValue) -> Any? {
            switch value {
            case .nil, .opaque: return nil
            case .boolean(let b): return b
            case .integer(let i): return String(i)
            case .number(let d): return d == d.rounded() && abs(d) < 1e15 ? String(Int64(d)) : String(d)
            case .string(let s): return s
            case .bytes(let b): return String(decoding: b, as: UTF8.self)
            case .table(let t):
                if t.fields.isEmpty { return t.array.map { item -> Any in convert(item) ?? "" } }
                return Scope(t, recorder: recorder, isRoot: false)
            }
        }
    }
}
