-- Shared by the specs: small valid sites per family (a fresh table each call, to change freely)
-- and questions about the commands a run made.
local M = {}

local function nodes(prefix, mac_prefix, first_ip, count)
  local list = {}
  for i = 1, count do
    list[i] = { name = "s" .. i, mac = string.format("%s:%02x", mac_prefix, i + 1), ip = prefix .. (first_ip + i - 1) }
  end
  return list
end

function M.site(family)
  local sites = {
    el7 = {
      name = "t7", family = "el7",
      head = { name = "m0", ip = "172.25.2.101", interface = "eth0" },
      network = { subnet = "172.25.2.0/24", dynamic_range = { "172.25.2.50", "172.25.2.100" }, lease = "12h" },
      nodes = nodes("172.25.2.", "52:54:00:25:02", 102, 3),
    },
    el9 = {
      name = "t9", family = "el9",
      head = { name = "head", ip = "192.168.9.1", interface = "ens3" },
      network = { subnet = "192.168.9.0/24" },
      nodes = nodes("192.168.9.", "52:54:00:09:09", 11, 2),
    },
    debian12 = {
      name = "t12", family = "debian12",
      head = { name = "head", ip = "10.77.0.1", interface = "br0" },
      network = { subnet = "10.77.0.0/24", dynamic_range = { "10.77.0.100", "10.77.0.150" } },
      nodes = nodes("10.77.0.", "52:54:00:77:00", 10, 1),
    },
  }
  return sites[family]
end

-- did the run call this program (argv[1], with or without a directory)?
function M.ran_program(r, program)
  for _, command in ipairs(r:commands()) do
    local first = command.argv[1] or ""
    if first == program or first:sub(-#program - 1) == "/" .. program then return true end
  end
  return false
end

-- did some command of this program have an argument containing every fragment (plain text)?
function M.ran_with(r, program, ...)
  local fragments = { ... }
  for _, command in ipairs(r:commands()) do
    local first = command.argv[1] or ""
    if first == program or first:sub(-#program - 1) == "/" .. program then
      local line = table.concat(command.argv, " ")
      local all = true
      for _, fragment in ipairs(fragments) do all = all and line:find(fragment, 1, true) ~= nil end
      if all then return true end
    end
  end
  return false
end

-- the first problem whose field is `field`, or nil
function M.problem(r, field)
  for _, p in ipairs(r.problems or {}) do
    if p.field == field then return p end
  end
  return nil
end

-- all problem messages in one string, for to_contain
function M.messages(r)
  local out = {}
  for _, p in ipairs(r.problems or {}) do out[#out + 1] = p.message end
  return table.concat(out, "\n")
end

return M
