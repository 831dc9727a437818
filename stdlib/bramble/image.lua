-- The node image in nfs_root: installed by the package manager or copied from the head, cleaned of the
-- head's identity, and given an fstab that mounts everything from the head over NFS.
local path = require("bramble.path")

local M = {}

-- The site's excludes, the cluster's own folders (the image must not contain itself) and the head's
-- identity, which the image step removes or replaces: copying it again would undo that on every run.
function M.excludes(site, family)
  local p, cleanup = site.paths, family.network_cleanup
  local list = { table.unpack(site.image.excludes) }
  for _, dir in ipairs({ p.nfs_root, p.node_dirs, p.tftp_root }) do list[#list + 1] = dir end
  for _, dir in ipairs(p.shared) do list[#list + 1] = dir .. "/*" end
  for _, rule in ipairs(cleanup.remove) do
    for _, glob in ipairs(rule.globs) do list[#list + 1] = path.join(rule.dir, glob) end
  end
  for _, file in ipairs(cleanup.write) do list[#list + 1] = file.path end
  list[#list + 1] = "/etc/hostname"
  return list
end

local function install(ctx)
  local image, family = ctx.site.image, ctx.family
  bramble.package{
    names = image.packages,
    manager = family.image.manager,
    root = ctx.paths.nfs_root,
    release = image.release,
    -- only debootstrap takes a mirror (validation refuses it for the other managers)
    mirror = image.mirror or nil,
    extra_args = #image.extra_args > 0 and image.extra_args or nil,
  }
end

-- shell glob (only * is special) -> anchored Lua pattern
local function glob_pattern(glob)
  return "^" .. glob:gsub("[%^%$%(%)%%%.%[%]%+%-%?]", "%%%0"):gsub("%*", ".*") .. "$"
end

local function matches_any(name, globs)
  for _, glob in ipairs(globs) do
    if name:match(glob_pattern(glob)) then return true end
  end
  return false
end

-- The head's NIC configs would make every node claim the head's address, and its /etc/hostname would
-- override the name each node gets from DHCP (rc.local uses that name to find the node's /var).
local function forget_head_identity(ctx)
  local root, cleanup = ctx.paths.nfs_root, ctx.family.network_cleanup
  for _, rule in ipairs(cleanup.remove) do
    local dir = path.join(root, rule.dir)
    for _, name in ipairs(bramble.list_dir(dir)) do
      if matches_any(name, rule.globs) then bramble.remove{ path = path.join(dir, name) } end
    end
  end
  for _, file in ipairs(cleanup.write) do
    local target = path.join(root, file.path)
    bramble.directory{ path = path.dirname(target), mode = "0755" }
    bramble.write_file{ path = target, content = file.content, mode = "0644" }
  end
  local hostname = path.join(root, "/etc/hostname")
  if bramble.exists(hostname) then bramble.remove{ path = hostname } end
end

function M.build(ctx)
  bramble.directory{ path = ctx.paths.nfs_root, mode = "0755" }
  if ctx.site.image.method == "rsync" then
    bramble.sync{ src = "/", dest = ctx.paths.nfs_root, excludes = M.excludes(ctx.site, ctx.family) }
  else
    install(ctx)
  end
  forget_head_identity(ctx)
end

-- root and shared folders over NFS; /var comes later from rc.local, since it differs per node
function M.fstab_values(ctx)
  local site = ctx.site
  local head, options = site.head.ip, site.nfs.mount_options
  local mounts = { { source = head .. ":" .. site.paths.nfs_root, target = "/", options = options } }
  for _, dir in ipairs(site.paths.shared) do
    mounts[#mounts + 1] = { source = head .. ":" .. dir, target = dir, options = options }
  end
  return { mounts = mounts }
end

function M.fstab(ctx)
  local root = ctx.paths.nfs_root
  local etc = path.join(root, "/etc")
  bramble.directory{ path = etc, mode = "0755" }
  for _, dir in ipairs(ctx.paths.shared) do
    local mount_point = path.join(root, dir)
    if not bramble.exists(mount_point) then bramble.directory{ path = mount_point, mode = "0755" } end
  end
  bramble.template{
    path = path.join(etc, "fstab"),
    template = "fstab.mustache",
    values = ctx.values_with(M.fstab_values(ctx)),
    mode = "0644",
  }
end

return M
