-- Runs a playbook for a site: validation, the policy, the steps (with hooks) in order, then handlers.
-- Swift calls main(args) (docs/lua-contract.md); everything below is plain Lua over the bramble primitives.
--
-- A playbook is { name, steps = {{name, describe, run(ctx), when(ctx)?}...}, handlers = {[name] = fn(ctx)},
-- policy(site, family) -> {write, run, chroot}, values(site, family) -> template values }.
-- A step's `when` returns false and a reason when the step does not apply (e.g. SELinux on Debian).
--
-- Hooks (hooks.lua returns a table):
--   before[STEP](ctx), after[STEP](ctx)   run around a step
--   replace[STEP](ctx)                    runs instead of the step's own body
--   steps = {{name=, run=fn, after="dnsmasq" | before="nfs", describe=}}   extra steps (at the end by default)
--   values = {...} or function(site) -> {...}   extra template values; they override the playbook's
--
-- ctx (what steps, hooks and handlers get):
--   site, family, paths (site.paths), mode, values (template values),
--   values_with(t) (values plus a step's own, hook values still winning),
--   notify(handler), changed(result, handler) (notifies unless result.status == "ok"; returns result)
local site_check = require("bramble.site")
local families = require("bramble.families")
local suggest = require("bramble.suggest")

local M = {}

local HOOK_KINDS = { "before", "after", "replace" }
local HOOK_KEYS = { "after", "before", "replace", "steps", "values" }
local EXTRA_STEP_KEYS = { "after", "before", "describe", "name", "run" }

-- a problem outside the site file: hooks and the command line have no source text here, so no line
local function problem(problems, file, field, message)
  problems[#problems + 1] = { file = file, field = field, message = message }
end

local function names_of(steps)
  local names = {}
  for i, step in ipairs(steps) do names[i] = step.name end
  return names
end

local function index_of(steps, name)
  for i, step in ipairs(steps) do
    if step.name == name then return i end
  end
  return nil
end

local function set_of(list)
  local set = {}
  for _, v in ipairs(list) do set[v] = true end
  return set
end

local function unknown_keys(t, allowed, problems, file, where)
  local known = set_of(allowed)
  for key in pairs(t) do
    if not known[key] then
      problem(problems, file, where, "unknown key '" .. tostring(key) .. "' in " .. where
        .. suggest.hint(key, allowed) .. "; known: " .. table.concat(allowed, ", "))
    end
  end
end

local function unknown_step(steps, name)
  return "unknown step '" .. tostring(name) .. "'" .. suggest.hint(name, names_of(steps))
    .. "; steps: " .. table.concat(names_of(steps), ", ")
end

-- Inserts one extra step from hooks.steps at its place, or reports why it cannot.
local function insert_extra(steps, extra, where, problems, file)
  if type(extra) ~= "table" then
    problem(problems, file, where, where .. " must be a table {name=, run=, after= or before=}")
    return
  end
  unknown_keys(extra, EXTRA_STEP_KEYS, problems, file, where)
  if type(extra.name) ~= "string" or not extra.name:match("^[%w_%-]+$") then
    problem(problems, file, where, where .. ".name must be a step name like \"motd\"")
  elseif index_of(steps, extra.name) then
    problem(problems, file, where, where .. ": a step named '" .. extra.name .. "' already exists")
  elseif type(extra.run) ~= "function" then
    problem(problems, file, where, where .. ".run must be a function(ctx)")
  elseif extra.after and extra.before then
    problem(problems, file, where, where .. ": give after= or before=, not both")
  else
    local anchor = extra.after or extra.before
    local at = anchor and index_of(steps, anchor)
    if anchor and not at then
      problem(problems, file, where, where .. ": " .. unknown_step(steps, anchor))
    else
      local position = not anchor and #steps + 1 or (extra.after and at + 1 or at)
      table.insert(steps, position, { name = extra.name, describe = extra.describe, run = extra.run })
    end
  end
end

-- The playbook's steps with the hooks' extra steps inserted; hook problems are collected.
local function plan_steps(playbook, hooks, file, problems)
  local steps = {}
  for i, step in ipairs(playbook.steps) do steps[i] = step end
  if hooks == nil then return steps end
  if type(hooks) ~= "table" then
    problem(problems, file, "hooks", "the hooks file must return a table, not " .. type(hooks))
    return steps
  end
  unknown_keys(hooks, HOOK_KEYS, problems, file, "hooks")
  if hooks.steps ~= nil and type(hooks.steps) ~= "table" then
    problem(problems, file, "steps", "hooks.steps must be a list of steps")
  else
    for i, extra in ipairs(hooks.steps or {}) do
      insert_extra(steps, extra, "steps[" .. i .. "]", problems, file)
    end
  end
  for _, kind in ipairs(HOOK_KINDS) do
    local hooked = hooks[kind]
    if hooked ~= nil and type(hooked) ~= "table" then
      problem(problems, file, kind, "hooks." .. kind .. " must be a table {[step name] = function(ctx)}")
    end
    for name, fn in pairs(type(hooked) == "table" and hooked or {}) do
      if not index_of(steps, name) then
        problem(problems, file, kind, "hooks." .. kind .. ": " .. unknown_step(steps, name))
      elseif type(fn) ~= "function" then
        problem(problems, file, kind, "hooks." .. kind .. "[\"" .. name .. "\"] must be a function(ctx)")
      end
    end
  end
  local values = hooks.values
  if values ~= nil and type(values) ~= "table" and type(values) ~= "function" then
    problem(problems, file, "values", "hooks.values must be a table or a function(site)")
  end
  return steps
end

-- Which steps run: --only and --skip, whose names must all exist.
local function selection(steps, only, skip, problems)
  for _, option in ipairs({ { "only", only }, { "skip", skip } }) do
    local name_of_option, names = option[1], option[2] or {}
    for _, name in ipairs(names) do
      if not index_of(steps, name) then
        problem(problems, "command line", name_of_option, "--" .. name_of_option .. ": " .. unknown_step(steps, name))
      end
    end
  end
  local chosen, skipped = only and set_of(only), set_of(skip or {})
  return function(name) return (chosen == nil or chosen[name]) and not skipped[name] end
end

local function merge(...)
  local out = {}
  for i = 1, select("#", ...) do
    for k, v in pairs(select(i, ...) or {}) do out[k] = v end
  end
  return out
end

local function hook_values(hooks, site)
  local values = hooks and hooks.values
  if type(values) == "function" then values = values(site) end
  if values ~= nil and type(values) ~= "table" then
    error("hooks.values(site) must return a table, not " .. type(values), 0)
  end
  return values or {}
end

local function new_context(args, site, family, playbook)
  local base = playbook.values and playbook.values(site, family) or {}
  local extra = hook_values(args.hooks, site)
  local handler_names = suggest.keys(playbook.handlers or {})
  local notified = {}
  local ctx = { site = site, family = family, paths = site.paths, mode = args.mode, values = merge(base, extra) }
  function ctx.values_with(own) return merge(base, own, extra) end
  function ctx.notify(name)
    if not (playbook.handlers or {})[name] then
      error("notify: unknown handler '" .. tostring(name) .. "'" .. suggest.hint(name, handler_names)
        .. "; handlers: " .. table.concat(handler_names, ", "), 2)
    end
    for _, seen in ipairs(notified) do
      if seen == name then return end
    end
    notified[#notified + 1] = name
  end
  function ctx.changed(result, handler)
    if type(result) == "table" and result.status ~= "ok" then ctx.notify(handler) end
    return result
  end
  return ctx, notified
end

local function run_step(step, ctx, hooks)
  bramble.step(step.name)
  if step.when then
    local applies, why = step.when(ctx)
    if not applies then
      bramble.log("step " .. step.name .. " skipped: " .. (why or "does not apply"))
      return
    end
  end
  local function hook(kind) return hooks and hooks[kind] and hooks[kind][step.name] end
  if hook("before") then hook("before")(ctx) end
  local body = hook("replace") or step.run
  body(ctx)
  if hook("after") then hook("after")(ctx) end
end

-- Each notified handler runs once, in the order of first notification, after all steps.
local function run_handlers(ctx, playbook, notified)
  if #notified == 0 then return end
  bramble.step("handlers")
  for _, name in ipairs(notified) do
    playbook.handlers[name](ctx)
  end
end

function M.main(args)
  local playbook = args.playbook
  assert(type(playbook) == "table" and type(playbook.steps) == "table", "engine: args.playbook must be a playbook table")
  local site, problems = site_check.check(args.site, { file = args.site_path, source = args.site_source })
  local steps = plan_steps(playbook, args.hooks, args.hooks_path or "hooks", problems)
  local selected = selection(steps, args.only, args.skip, problems)
  if #problems > 0 then return { ok = false, problems = problems } end
  if args.mode == "validate" then return { ok = true } end

  local family = families.get(site.family)
  bramble.declare_policy(playbook.policy(site, family))
  local ctx, notified = new_context(args, site, family, playbook)
  for _, step in ipairs(steps) do
    if selected(step.name) then run_step(step, ctx, args.hooks) end
  end
  run_handlers(ctx, playbook, notified)
  return { ok = true }
end

return M
