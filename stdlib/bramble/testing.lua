-- The spec framework `bramble test` runs *_spec.lua files with: describe/it/expect, and
-- bramble.test.apply{...} to run a playbook on a fake head node and look at what it made.
-- Swift provides the raw fake-host calls (bramble.test.begin/finish/load/...); this is the Lua around them.
local M = {}

local tests = {}
local path_stack = {}

function M.describe(name, fn)
  path_stack[#path_stack + 1] = tostring(name)
  fn()
  path_stack[#path_stack] = nil
end

function M.it(name, fn)
  local full = table.concat(path_stack, " > ")
  tests[#tests + 1] = { name = (full ~= "" and full .. " > " or "") .. tostring(name), fn = fn }
end

local function show(v)
  if type(v) == "string" then return string.format("%q", v) end
  return tostring(v)
end

local function deep_equal(a, b)
  if a == b then return true end
  if type(a) ~= "table" or type(b) ~= "table" then return false end
  for k, v in pairs(a) do
    if not deep_equal(v, b[k]) then return false end
  end
  for k in pairs(b) do
    if a[k] == nil then return false end
  end
  return true
end

-- expect(v).to_be(x), .to_equal(x), .to_contain(s), .to_match(p), .to_be_truthy(), .to_be_nil(); .never negates
function M.expect(actual)
  local function matchers(negated)
    local m = {}
    local function check(ok, message)
      if negated then ok = not ok end
      if not ok then error((negated and "expected not: " or "expected: ") .. message, 3) end
    end
    function m.to_be(x) check(actual == x, show(actual) .. " to be " .. show(x)) end
    function m.to_equal(x) check(deep_equal(actual, x), show(actual) .. " to equal " .. show(x)) end
    function m.to_contain(s)
      check(type(actual) == "string" and actual:find(s, 1, true) ~= nil, show(actual) .. " to contain " .. show(s))
    end
    function m.to_match(p)
      check(type(actual) == "string" and actual:find(p) ~= nil, show(actual) .. " to match " .. show(p))
    end
    function m.to_be_truthy() check(actual and true or false, show(actual) .. " to be truthy") end
    function m.to_be_nil() check(actual == nil, show(actual) .. " to be nil") end
    return m
  end
  local m = matchers(false)
  m.never = matchers(true)
  return m
end

local Result = {}
Result.__index = Result

function Result:file(path) return bramble.test.file(self.handle, path) end
function Result:mode(path) return bramble.test.mode(self.handle, path) end
function Result:link(path) return bramble.test.link(self.handle, path) end
function Result:exists(path) return bramble.test.exists(self.handle, path) end
function Result:commands() return bramble.test.commands(self.handle) end
function Result:list(path) return bramble.test.list(self.handle, path) end

-- Whether a command starting with `prefix` (a list of argv words) was run.
function Result:ran(prefix)
  for _, command in ipairs(self:commands()) do
    local matches = true
    for i, word in ipairs(prefix) do
      if command.argv[i] ~= word then
        matches = false
        break
      end
    end
    if matches then return true end
  end
  return false
end

local function load_value(value, what)
  if type(value) ~= "string" then return value, nil, nil end
  local loaded, source, path = bramble.test.load(value)
  if loaded == nil and source == nil then error("bramble.test.apply: cannot load " .. what .. " '" .. value .. "'", 3) end
  return loaded, source, path
end

local function folder_of(path)
  return path:match("^(.*)/[^/]*$") or "."
end

-- The hooks a run gets, as the CLI finds them: opts.hooks, else the site's `hooks` field (a file
-- next to the site), else a hooks.lua beside the site file.
local function hooks_for(opts, site, site_path)
  local named = type(site) == "table" and site.hooks
  if type(site) == "table" then site.hooks = nil end
  if opts.hooks ~= nil then return opts.hooks end
  if type(named) == "string" and site_path then
    return named:sub(1, 1) == "/" and named or folder_of(site_path) .. "/" .. named
  end
  if site_path and bramble.test.real_exists(folder_of(site_path) .. "/hooks.lua") then
    return folder_of(site_path) .. "/hooks.lua"
  end
  return nil
end

local function one_run(opts, handle_opts)
  local site, source, site_path = load_value(opts.site, "site")
  local hooks, hooks_source, hooks_path = load_value(hooks_for(opts, site, site_path), "hooks")
  handle_opts.site_folder = site_path and folder_of(site_path) or nil
  local playbook = load_value(opts.playbook or "diskless", "playbook")
  local handle = bramble.test.begin(handle_opts)
  local ok, result = pcall(require("bramble.engine").main, {
    mode = "apply", site = site, site_path = site_path or "site", site_source = source,
    hooks = hooks, hooks_path = hooks_path, hooks_source = hooks_source, playbook = playbook, only = opts.only, skip = opts.skip,
  })
  local summary = bramble.test.finish(handle)
  local r = setmetatable({ handle = handle, summary = summary, ok = ok and result.ok ~= false, problems = {} }, Result)
  if not ok then r.error = tostring(result) end
  if ok and result.ok == false then r.problems = result.problems end
  return r
end

-- Runs the playbook on a fake head. opts: site (path or table), fixture, hooks, playbook, only, skip,
-- twice (apply again on the same host: r.second is that run's summary), files = {[path] = content},
-- commands = {["argv joined by spaces"] = {exit=, stdout=, stderr=}}.
function M.apply(opts)
  assert(type(opts) == "table", "bramble.test.apply{site = ..., fixture = ...}")
  local handle_opts = { fixture = opts.fixture, files = opts.files, commands = opts.commands }
  local r = one_run(opts, handle_opts)
  if opts.twice and r.ok then
    handle_opts.reuse = r.handle
    local second = one_run(opts, handle_opts)
    r.second = second.summary
    r.second_error = second.error
  end
  return r
end

-- Runs every collected test; returns passed, failed and the failures.
function M.run_all()
  local passed, failures = 0, {}
  for _, test in ipairs(tests) do
    local ok, err = xpcall(test.fn, function(e) return tostring(e) end)
    if ok then passed = passed + 1 else failures[#failures + 1] = { name = test.name, message = err } end
  end
  tests = {}
  return passed, failures
end

return M
