import CLua
import CLuaShim

/// Turns a fresh `LuaState` into the sandbox scripts run in: only the safe parts of the standard
/// library, read-only library tables, a locked string metatable, text-only `load`, and a `require`
/// that finds modules only through `moduleFinder`.
public struct Sandbox {
    /// Finds a module's source by its dotted name: returns the text and the chunk name to report
    /// in errors and origins (e.g. "@stdlib/bramble/nfs.lua"), or nil with the places searched.
    public typealias ModuleFinder = (String) -> Result<(source: [UInt8], chunkName: String), ModuleNotFound>

    public struct ModuleNotFound: Error {
        public let searched: [String]
        public init(searched: [String]) { self.searched = searched }
    }

    /// Where `print` writes.
    public typealias Output = (String) -> Void

    /// The global names a script sees (besides the API tables the host adds).
    public static let globals: [String] = [
        "assert", "error", "ipairs", "next", "pairs", "pcall", "print", "select", "tonumber", "tostring",
        "type", "xpcall", "_VERSION", "_G", "string", "table", "math", "utf8", "coroutine", "os", "load",
        "require", "collectgarbage", "setmetatable", "getmetatable", "rawequal", "rawlen",
    ]

    /// Installs the sandbox into `state`. After this, the state's global table *is* the sandbox.
    public static func install(into state: LuaState, moduleFinder: @escaping ModuleFinder, output: @escaping Output) throws {
        let L = state.L
        // Only these libraries are opened at all: no io, debug, package.
        let libraries: [(String, lua_CFunction)] = [
            ("_G", luaopen_base), ("string", luaopen_string), ("table", luaopen_table), ("math", luaopen_math),
            ("utf8", luaopen_utf8), ("coroutine", luaopen_coroutine), ("os", luaopen_os),
        ]
        for (name, open) in libraries {
            luaL_requiref(L, name, open, 1)
            bl_pop(L, 1)
        }
        try state.load(prelude, chunkName: "=sandbox")
        lua_createtable(L, 0, 2)
        state.pushFunction { stack in
            let name = try stack.stringArgument(1, function: "require", name: "name")
            switch moduleFinder(name) {
            case .success(let found):
                stack.pushBytes(found.source)
                stack.pushString(found.chunkName)
                return 2
            case .failure(let notFound):
                stack.pushString(
                    "module '\(name)' not found (searched: \(notFound.searched.joined(separator: ", ")))")
                return -1
            }
        }
        stack(state).setField(-2, "find_module")
        state.pushFunction { stack in
            output(stack.string(at: 1) ?? "")
            return 0
        }
        stack(state).setField(-2, "write")
        try state.callKeepingResults(arguments: 1, results: 2)
        // the prelude returned its environment maker and its read-only wrapper: keep both
        lua_setfield(L, bl_registryindex(), readOnlyKey)
        lua_setfield(L, bl_registryindex(), newEnvironmentKey)
    }

    static let newEnvironmentKey = "bramble.new_env"
    static let readOnlyKey = "bramble.read_only"

    /// Replaces the table on top of the stack by a read-only view of it (named in errors).
    public static func makeReadOnly(_ state: LuaState, name: String) throws {
        lua_getfield(state.L, bl_registryindex(), readOnlyKey)
        bl_insert(state.L, -2)
        state.stack.pushString(name)
        try state.callKeepingResults(arguments: 2, results: 1)
    }

    /// Loads `source` as a chunk whose globals are a fresh sandbox environment of its own (so a site
    /// file or hooks file cannot change what another chunk sees), and pushes the function.
    public static func loadIsolated(_ state: LuaState, source: [UInt8], chunkName: String) throws {
        try state.load(source, chunkName: chunkName)
        lua_getfield(state.L, bl_registryindex(), newEnvironmentKey)
        try state.callKeepingResults(arguments: 0, results: 1)
        // a main chunk's first upvalue is its _ENV
        _ = lua_setupvalue(state.L, -2, 1)
    }

    private static func stack(_ state: LuaState) -> LuaStack { state.stack }

    /// Runs once with the real globals, then leaves only the sandbox behind. Everything it keeps
    /// (real load, setmetatable, the library tables) stays in upvalues no script can reach, since
    /// the debug library is never opened.
    static let prelude = #"""
local host = ...
local G = _G
local real_load, real_setmetatable, real_getmetatable = load, setmetatable, getmetatable
local error, type, next, select, tostring, pairs = error, type, next, select, tostring, pairs
local real_collectgarbage = collectgarbage
local concat = table.concat
local string_lib = string

string_lib.dump = nil  -- no bytecode out

local function read_only(lib, name)
  local proxy = {}
  real_setmetatable(proxy, {
    __index = lib,
    __newindex = function(_, key)
      error("attempt to modify read-only table '" .. name .. "' (field '" .. tostring(key) .. "')", 2)
    end,
    __pairs = function() return function(_, k) return next(lib, k) end, proxy, nil end,
    __len = function() return #lib end,
    __metatable = false,
  })
  return proxy
end

local libs = {
  string = read_only(string_lib, "string"),
  table = read_only(table, "table"),
  math = read_only(math, "math"),
  utf8 = read_only(utf8, "utf8"),
  coroutine = read_only(coroutine, "coroutine"),
  os = read_only({ time = os.time, date = os.date, clock = os.clock }, "os"),
}

-- the shared string metatable: methods come from the read-only proxy, and the metatable itself
-- is hidden, else getmetatable("").__index.upper = ... would rewrite string for everyone
local string_mt = real_getmetatable("")
string_mt.__index = libs.string
string_mt.__metatable = false

local function safe_setmetatable(t, mt)
  if type(mt) == "table" and mt.__gc ~= nil then
    error("setmetatable: __gc metamethods are not allowed in the sandbox", 2)
  end
  return real_setmetatable(t, mt)
end

local function safe_collectgarbage(opt, ...)
  if opt == "count" then return real_collectgarbage("count") end
  error("collectgarbage: only \"count\" is allowed in the sandbox", 2)
end

local modules, loading = {}, {}
local base = {}

local function make_load(env)
  return function(chunk, chunkname, mode, ...)
    if mode ~= nil and mode ~= "t" then
      return nil, "load: only text chunks are allowed in the sandbox (mode 't')"
    end
    local target = env
    if select("#", ...) > 0 then target = ... end
    return real_load(chunk, chunkname, "t", target)
  end
end

local function require(name)
  if type(name) ~= "string" then error("require: module name must be a string", 2) end
  local cached = modules[name]
  if cached ~= nil then return cached end
  if loading[name] then error("require: module '" .. name .. "' requires itself (a cycle)", 2) end
  local source, chunkname = host.find_module(name)
  local fn, err = real_load(source, chunkname, "t", G)
  if not fn then error(err, 0) end
  loading[name] = true
  local ok, result = pcall(fn, name)
  loading[name] = nil
  if not ok then error(result, 0) end
  if result == nil then result = true end
  modules[name] = result
  return result
end

local function print(...)
  local n = select("#", ...)
  local parts = {}
  for i = 1, n do parts[i] = tostring((select(i, ...))) end
  host.write(concat(parts, "\t") .. "\n")
end

for _, k in ipairs({ "assert", "error", "ipairs", "next", "pairs", "pcall", "select", "tonumber",
                     "tostring", "type", "xpcall", "_VERSION", "rawequal", "rawlen" }) do
  base[k] = G[k]
end
for k, v in next, libs do base[k] = v end
base.setmetatable = safe_setmetatable
base.getmetatable = real_getmetatable
base.collectgarbage = safe_collectgarbage
base.require = require
base.print = print

-- strip the real global table and refill it with the sandbox: from here on it *is* the sandbox
for k in next, G do G[k] = nil end
for k, v in next, base do G[k] = v end
G._G = G
G.load = make_load(G)

-- a fresh environment for a site, a hooks file or a spec: the same sandbox (and API), its own globals
local function new_env()
  local env = {}
  for k, v in next, base do env[k] = v end
  env.bramble = G.bramble
  env._G = env
  env.load = make_load(env)
  return env
end
return new_env, read_only
"""#
}
