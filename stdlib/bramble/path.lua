-- Absolute path helpers (pure string work: nothing here touches a host).
local M = {}

-- "/a//b/./c/" -> "/a/b/c"; nil for relative paths or paths that climb with ".."
function M.normalise(p)
  if type(p) ~= "string" or p:sub(1, 1) ~= "/" then return nil end
  local parts = {}
  for part in p:gmatch("[^/]+") do
    if part == ".." then return nil end
    if part ~= "." then parts[#parts + 1] = part end
  end
  return "/" .. table.concat(parts, "/")
end

-- true when p is base or lies below it (both normalised)
function M.inside(p, base)
  return p == base or base == "/" or p:sub(1, #base + 1) == base .. "/"
end

function M.join(a, b)
  if b == nil or b == "" then return a end
  if a:sub(-1) == "/" then a = a:sub(1, -2) end
  if b:sub(1, 1) == "/" then b = b:sub(2) end
  return a .. "/" .. b
end

-- "pxelinux/pxelinux.0" -> "pxelinux"; "pxelinux.0" -> ""
function M.dirname(p)
  return p:match("^(.*)/[^/]*$") or ""
end

function M.basename(p)
  return p:match("([^/]*)$")
end

return M
