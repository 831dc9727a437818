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
