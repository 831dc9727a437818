-- NFS: the node image, the per-node folders and the shared folders, exported to the cluster subnet
-- by the kernel server (/etc/exports) or by NFS-Ganesha.
local M = {}

M.GANESHA_DIR = "/etc/ganesha"
M.GANESHA_CONF = M.GANESHA_DIR .. "/ganesha.conf"

-- {path, clients, options} for every export; shared folders cross into file systems mounted below them
function M.exports(site)
  local p, subnet, options = site.paths, site.network.subnet, site.nfs.options
  local entries = {
    { path = p.nfs_root, clients = subnet, options = options },
    { path = p.node_dirs, clients = subnet, options = options },
  }
  for _, dir in ipairs(p.shared) do
    entries[#entries + 1] = { path = dir, clients = subnet, options = options .. ",crossmnt" }
  end
  return entries
end

local function has_option(options, name)
  return ("," .. options .. ","):find("," .. name .. ",", 1, true) ~= nil
end

-- Ganesha says with Access_Type and Squash what exports(5) says with options
function M.ganesha_values(site)
  local options = site.nfs.options
  local access = has_option(options, "ro") and "RO" or "RW"
  local squash = has_option(options, "no_root_squash") and "No_Root_Squash"
    or has_option(options, "all_squash") and "All_Squash" or "Root_Squash"
  local exports = {}
  for i, entry in ipairs(M.exports(site)) do
    -- Export_Id 0 is Ganesha's pseudo root
    exports[i] = { id = i, path = entry.path, clients = entry.clients, access = access, squash = squash }
  end
  return { exports = exports }
end

function M.unit(ctx)
  return ctx.family.nfs[ctx.site.nfs.backend].unit
end

function M.configure(ctx)
  local p = ctx.paths
  bramble.directory{ path = p.nfs_root, mode = "0755" }
  bramble.directory{ path = p.node_dirs, mode = "0755" }
  for _, dir in ipairs(p.shared) do
    -- an existing shared folder (/mnt, /home) keeps its own mode
    if not bramble.exists(dir) then bramble.directory{ path = dir, mode = "0755" } end
  end
  if ctx.site.nfs.backend == "ganesha" then
    bramble.directory{ path = M.GANESHA_DIR, mode = "0755" }
    ctx.changed(bramble.template{
      path = M.GANESHA_CONF,
      template = "ganesha.conf.mustache",
      values = ctx.values_with(M.ganesha_values(ctx.site)),
      mode = "0644",
    }, "restart-nfs")
  else
    -- exportfs -ra runs when /etc/exports changes, so the kernel server needs no restart
    bramble.exportfs{ entries = M.exports(ctx.site) }
  end
  bramble.service{ name = M.unit(ctx), enabled = true, state = "started" }
end

function M.restart(ctx)
  bramble.service{ name = M.unit(ctx), state = "restarted" }
end

return M
