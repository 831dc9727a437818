-- The site table: its schema, defaults and validation.
--
-- A site file returns one table. Every field, with its default (* = required):
--
--   name              cluster name; names the dnsmasq drop-in /etc/dnsmasq.d/NAME.conf   "diskless"
--   family*           "el7" | "el9" | "debian12"
--   head = {
--     name            head node host name                                               "head"
--     ip*             head address on the cluster network
--     interface*      NIC on the cluster network; DHCP and TFTP listen only there
--   }
--   network = {
--     subnet*         "172.25.2.0/24"
--     dynamic_range   {"first", "last"}: addresses leased to machines not listed in nodes;
--                     false: only the listed nodes get an address                        false
--     lease           DHCP lease: seconds, or a number with m/h/d/w, or "infinite"      "12h"
--   }
--   paths = {
--     nfs_root        the node image, exported read-write and mounted as / by every node  "/nfs"
--     node_dirs       per-node folders: NODE_DIRS/NAME/var becomes that node's /var      "/client_nodes"
--     shared          folders exported to the nodes and mounted at the same place        {"/mnt"}
--     tftp_root       TFTP root: kernel and initramfs live here                          "/srv/tftp"
--     boot_file       BIOS boot loader relative to tftp_root; pxelinux.cfg/ goes beside it "pxelinux/pxelinux.0"
--   }
--   image = {
--     method          "installroot" (package manager into nfs_root) | "rsync" (copy of the head) "installroot"
--     packages        installroot packages              family's (el7: @Base kernel dracut-network nfs-utils)
--     release         yum/dnf --releasever, or the debootstrap suite   family's (el7 "/", el9 "9", debian12 "bookworm")
--     mirror          debootstrap's mirror URL (http, https, ftp or file), e.g. the one apt already uses;
--                     false: debootstrap's default. Only for the debootstrap families (debian12)  false
--     excludes        rsync excludes; the cluster's own folders are always excluded as well
--                     {"/proc/*", "/sys/*", "/dev/*", "/run/*", "/tmp/*", "/media/*", "/lost+found"}
--     kernel          kernel version the nodes boot; false: the newest in the image, else the head's   false
--     extra_args      extra arguments for the image's package manager                    {}
--   }
--   nfs = {
--     backend         "kernel" (nfsd and /etc/exports) | "ganesha" (NFS-Ganesha in user space)  "kernel"
--     options         export options (shared folders add crossmnt)                       "rw,async,no_root_squash"
--     mount_options   the nodes' fstab options                     "defaults,rsize=32768,wsize=32768,intr"
--   }
--   pxe = {
--     kernel_args     appended to the nodes' kernel command line                          ""
--     tftp_secure     dnsmasq's tftp-secure: serve only files owned by dnsmasq's user. dnsmasq drops root,
--                     and the boot files are root's, so true only if you run it as root  false
--     uefi = {
--       enabled       also boot UEFI x86-64 clients                                      false
--       boot_file     UEFI loader relative to tftp_root   family's (EL "uefi/shimx64.efi", debian12 "efi64/syslinux.efi")
--     }
--   }
--   scratch           node-local disk mounted on /tmp, formatted when it does not mount; false: none   false
--                     = { device* = "/dev/sda", fstype = "xfs" | "ext4" (default "xfs") }
--   nodes             list of { name*, mac*, ip*, ...extras }; extras are free and reach the templates  {}
local net = require("bramble.net")
local path = require("bramble.path")
local suggest = require("bramble.suggest")
local families = require("bramble.families")

local M = {}

-- A default that is a function is asked of the family (see fill_default).
local SCHEMA = { type = "record", fields = {
  name = { type = "string", default = "diskless" },
  family = { type = "string", required = true },
  head = { type = "record", fields = {
    name = { type = "string", default = "head" },
    ip = { type = "string", required = true },
    interface = { type = "string", required = true },
  } },
  network = { type = "record", fields = {
    subnet = { type = "string", required = true },
    dynamic_range = { type = "range", default = false },
    lease = { type = "string", default = "12h" },
  } },
  paths = { type = "record", fields = {
    nfs_root = { type = "string", default = "/nfs" },
    node_dirs = { type = "string", default = "/client_nodes" },
    shared = { type = "list", default = { "/mnt" } },
    tftp_root = { type = "string", default = "/srv/tftp" },
    boot_file = { type = "string", default = "pxelinux/pxelinux.0" },
  } },
  image = { type = "record", fields = {
    method = { type = "string", default = "installroot", one_of = { "installroot", "rsync" } },
    packages = { type = "list", default = function(f) return f.image.packages end },
    release = { type = "string", default = function(f) return f.image.release end },
    mirror = { type = "string", default = false },
    excludes = { type = "list", default = { "/proc/*", "/sys/*", "/dev/*", "/run/*", "/tmp/*", "/media/*", "/lost+found" } },
    kernel = { type = "string", default = false },
    extra_args = { type = "list", default = {} },
  } },
  nfs = { type = "record", fields = {
    backend = { type = "string", default = "kernel", one_of = { "kernel", "ganesha" } },
    options = { type = "string", default = "rw,async,no_root_squash" },
    mount_options = { type = "string", default = "defaults,rsize=32768,wsize=32768,intr" },
  } },
  pxe = { type = "record", fields = {
    kernel_args = { type = "string", default = "" },
    tftp_secure = { type = "boolean", default = false },
    uefi = { type = "record", fields = {
      enabled = { type = "boolean", default = false },
      boot_file = { type = "string", default = function(f) return f.uefi.boot_file end },
    } },
  } },
  scratch = { type = "record", default = false, fields = {
    device = { type = "string", required = true },
    fstype = { type = "string", default = "xfs", one_of = { "xfs", "ext4" } },
  } },
  nodes = { type = "nodes", default = {} },
} }

local NODE_FIELDS = { "name", "mac", "ip" }

-- Folders of the head's own system: a cluster folder must never be one of them.
local SYSTEM_DIRS = {}
for _, d in ipairs({ "/", "/bin", "/boot", "/dev", "/etc", "/lib", "/lib64", "/proc", "/root", "/run",
                     "/sbin", "/sys", "/tmp", "/usr", "/var" }) do SYSTEM_DIRS[d] = true end
-- ... and for the image, node and TFTP folders, the usual homes of other data too
local DATA_DIRS = { ["/home"] = true, ["/opt"] = true, ["/srv"] = true, ["/mnt"] = true, ["/media"] = true }

---------------------------------------------------------------------------------------------------
-- Problems. While checking, a problem keeps its key path ({"nodes", 3, "ip"}) so that its line can
-- be found later; finish() turns it into the contract's {file, line, node, field, message}.

local function field_name(keys)
  local out = {}
  for _, k in ipairs(keys) do
    if type(k) == "number" then out[#out] = out[#out] .. "[" .. k .. "]" else out[#out + 1] = k end
  end
  return table.concat(out, ".")
end

local function extend(keys, key)
  local copy = { table.unpack(keys) }
  copy[#copy + 1] = key
  return copy
end

local Checker = {}
Checker.__index = Checker

function Checker:problem(keys, message, node)
  self.problems[#self.problems + 1] = { keys = keys, message = message, node = node }
end

---------------------------------------------------------------------------------------------------
-- Phase 1: types, unknown fields and defaults, driven by SCHEMA.

local function is_list(t)
  local n = #t
  for k in pairs(t) do
    if math.type(k) ~= "integer" or k < 1 or k > n then return false end
  end
  return true
end

local fill

local function fill_default(self, spec, keys)
  if spec.required then
    self:problem(keys, "missing " .. field_name(keys))
    return nil
  end
  local default = spec.default
  -- family defaults: nil when the family is unknown (already a problem of its own)
  if type(default) == "function" then return self.family and default(self.family) end
  if spec.type == "record" and default == nil then return fill(self, {}, spec, keys) end
  if type(default) == "table" then return { table.unpack(default) } end
  return default
end

local function fill_record(self, value, spec, keys)
  local out = {}
  for key in pairs(value) do
    if spec.fields[key] == nil then
      self:problem(extend(keys, key), "unknown field '" .. tostring(key) .. "'" .. suggest.hint(key, suggest.keys(spec.fields)))
    end
  end
  for _, key in ipairs(suggest.keys(spec.fields)) do
    out[key] = fill(self, value[key], spec.fields[key], extend(keys, key))
  end
  return out
end

local function fill_list(self, value, keys, count)
  if not is_list(value) then
    self:problem(keys, field_name(keys) .. " must be a list like {\"a\", \"b\"}")
    return nil
  end
  for i, item in ipairs(value) do
    if type(item) ~= "string" then
      self:problem(extend(keys, i), field_name(keys) .. "[" .. i .. "] must be a string")
    end
  end
  if count and #value ~= count then
    self:problem(keys, field_name(keys) .. " must have exactly " .. count .. " entries")
    return nil
  end
  return { table.unpack(value) }
end

local function fill_nodes(self, value, keys)
  if not is_list(value) then
    self:problem(keys, "nodes must be a list of tables like { name = \"s1\", mac = \"...\", ip = \"...\" }")
    return {}
  end
  local out = {}
  for i, node in ipairs(value) do
    if type(node) ~= "table" then
      self:problem({ "nodes", i }, "nodes[" .. i .. "] must be a table")
      out[i] = false  -- keeps later nodes at their own index
    else
      local copy = {}
      for k, v in pairs(node) do copy[k] = v end
      out[i] = copy
    end
  end
  return out
end

local TYPE_NAMES = { string = "a string", boolean = "true or false", record = "a table" }

fill = function(self, value, spec, keys)
  if value == nil then return fill_default(self, spec, keys) end
  if value == false and spec.default == false then return false end
  local t = spec.type
  if t == "list" or t == "range" or t == "nodes" or t == "record" then
    if type(value) ~= "table" then
      self:problem(keys, field_name(keys) .. " must be a table" .. (spec.default == false and " or false" or ""))
      return nil
    end
    if t == "record" then return fill_record(self, value, spec, keys) end
    if t == "nodes" then return fill_nodes(self, value, keys) end
    return fill_list(self, value, keys, t == "range" and 2 or nil)
  end
  if type(value) ~= t then
    self:problem(keys, field_name(keys) .. " must be " .. TYPE_NAMES[t] .. (spec.default == false and " or false" or ""))
    return nil
  end
  if spec.one_of then
    local ok = false
    for _, allowed in ipairs(spec.one_of) do ok = ok or allowed == value end
    if not ok then
      self:problem(keys, field_name(keys) .. " must be one of " .. table.concat(spec.one_of, ", ") .. ", not '"
        .. value .. "'" .. suggest.hint(value, spec.one_of))
    end
  end
  return value
end

---------------------------------------------------------------------------------------------------
-- Phase 2: meaning. Each check reads the filled site and reports with key paths.

local function check_family(self, raw)
  local name = raw.family
  if type(name) == "string" and not families.get(name) then
    self:problem({ "family" }, "unknown family '" .. name .. "' (known: " .. table.concat(families.names, ", ") .. ")"
      .. suggest.hint(name, families.names))
  end
  self.family = type(name) == "string" and families.get(name) or nil
end

local function check_network(self, site)
  local network, head = site.network, site.head
  if not network then return end
  local subnet, why
  if network.subnet then
    subnet, why = net.parse_subnet(network.subnet)
    if not subnet then self:problem({ "network", "subnet" }, "network.subnet '" .. network.subnet .. "' " .. why) end
  end
  self.subnet = subnet
  if network.lease and network.lease ~= "infinite" and not network.lease:match("^%d+[mhdw]?$") then
    self:problem({ "network", "lease" }, "network.lease '" .. network.lease
      .. "' is not a lease time like 12h, 30m, 3600, 7d or \"infinite\"")
  end
  local range = network.dynamic_range
  if range then
    local first, last = net.parse_ip(range[1]), net.parse_ip(range[2])
    for i = 1, 2 do
      local ip = i == 1 and first or last
      if not ip then
        self:problem({ "network", "dynamic_range", i }, "network.dynamic_range[" .. i .. "] '" .. tostring(range[i])
          .. "' is not an IPv4 address")
      elseif subnet and not net.in_subnet(ip, subnet) then
        self:problem({ "network", "dynamic_range", i }, "network.dynamic_range[" .. i .. "] " .. range[i]
          .. " is outside the subnet " .. network.subnet)
      end
    end
    if first and last and first > last then
      self:problem({ "network", "dynamic_range" }, "network.dynamic_range is reversed: " .. range[1]
        .. " comes after " .. range[2] .. " (write {\"" .. range[2] .. "\", \"" .. range[1] .. "\"})")
    elseif first and last then
      self.range = { first = first, last = last, text = range[1] .. "-" .. range[2] }
    end
  end
  if head and head.ip then
    self.head_ip = net.parse_ip(head.ip)
    if not self.head_ip then
      self:problem({ "head", "ip" }, "head.ip '" .. head.ip .. "' is not an IPv4 address")
    elseif subnet and not net.in_subnet(self.head_ip, subnet) then
      self:problem({ "head", "ip" }, "head.ip " .. head.ip .. " is outside the subnet " .. network.subnet)
    elseif self.range and self.head_ip >= self.range.first and self.head_ip <= self.range.last then
      self:problem({ "head", "ip" }, "head.ip " .. head.ip .. " is inside the dynamic range " .. self.range.text
        .. ", where dnsmasq may lease it to another machine")
    end
  end
end

local function check_head(self, site)
  local head = site.head
  if not head then return end
  if head.name and not net.valid_hostname(head.name) then
    self:problem({ "head", "name" }, "head.name '" .. head.name .. "' is not a valid host name"
      .. " (letters, digits and '-', at most 63, not starting or ending with '-')")
  end
  if head.interface and not net.valid_interface(head.interface) then
    self:problem({ "head", "interface" }, "head.interface '" .. head.interface .. "' is not a network interface name")
  end
end

-- the closest extra field to a missing required one: {mca = ...} is probably mac
local function missing_hint(node, field)
  local extras = {}
  for k in pairs(node) do
    if type(k) == "string" then extras[#extras + 1] = k end
  end
  table.sort(extras)
  local best = suggest.closest(field, extras)
  return best and (" (is '" .. best .. "' a misspelling of '" .. field .. "'?)") or ""
end

-- the CLI prints "node NAME: nodes[i].FIELD:" before the message, so node messages do not repeat them
local function node_problem(self, i, node, field, message)
  self:problem({ "nodes", i, field }, message, type(node.name) == "string" and node.name or nil)
end

local function check_node_name(self, site, i, node, seen)
  local name = node.name
  if type(name) ~= "string" then return end
  if not net.valid_hostname(name) then
    node_problem(self, i, node, "name", "name '" .. name .. "' is not a valid host name"
      .. " (letters, digits and '-', at most 63, not starting or ending with '-')")
  elseif seen.name[name] then
    node_problem(self, i, node, "name", "name '" .. name .. "' is used twice (nodes[" .. seen.name[name]
      .. "] and nodes[" .. i .. "])")
  elseif site.head and name == site.head.name then
    node_problem(self, i, node, "name", "name '" .. name .. "' is the head's name (head.name)")
  end
  seen.name[name] = seen.name[name] or i
end

local function check_node_mac(self, i, node, label, seen)
  if type(node.mac) ~= "string" then return end
  local mac = net.normalise_mac(node.mac)
  if not mac then
    node_problem(self, i, node, "mac", "mac '" .. node.mac .. "' is not a MAC address like 52:54:00:25:02:02")
  elseif seen.mac[mac] then
    node_problem(self, i, node, "mac", "mac " .. mac .. " is already used by " .. seen.mac[mac])
  else
    seen.mac[mac] = label
    node.mac = mac
  end
end

-- the first reason this node's address cannot be used, or nil
local function ip_conflict(self, site, ip, seen)
  local subnet, range = self.subnet, self.range
  if not ip then return "is not an IPv4 address" end
  if ip == self.head_ip then return "is the head's address (head.ip)" end
  if seen.ip[ip] then return "is already used by " .. seen.ip[ip] end
  if subnet and not net.in_subnet(ip, subnet) then return "is outside the subnet " .. site.network.subnet end
  if subnet and ip == subnet.first then return "is the subnet's network address" end
  if subnet and ip == subnet.last then return "is the subnet's broadcast address" end
  if range and ip >= range.first and ip <= range.last then
    return "is inside the dynamic range " .. range.text .. ", where dnsmasq may lease it to another machine"
  end
  return nil
end

local function check_node_ip(self, site, i, node, label, seen)
  if type(node.ip) ~= "string" then return end
  local ip = net.parse_ip(node.ip)
  local conflict = ip_conflict(self, site, ip, seen)
  if conflict then node_problem(self, i, node, "ip", "ip " .. node.ip .. " " .. conflict) end
  if ip and not seen.ip[ip] then seen.ip[ip] = label end
end

local function check_node(self, site, i, node, seen)
  local label = type(node.name) == "string" and node.name or ("nodes[" .. i .. "]")
  for _, field in ipairs(NODE_FIELDS) do
    if node[field] == nil then
      node_problem(self, i, node, field, "missing " .. field .. missing_hint(node, field))
    elseif type(node[field]) ~= "string" then
      node_problem(self, i, node, field, field .. " must be a string")
    end
  end
  check_node_name(self, site, i, node, seen)
  check_node_mac(self, i, node, label, seen)
  check_node_ip(self, site, i, node, label, seen)
end

-- one pass over the nodes with hash sets: 10,000 nodes must take milliseconds
local function check_nodes(self, site)
  local seen = { name = {}, mac = {}, ip = {} }
  for i, node in ipairs(site.nodes or {}) do
    if node then check_node(self, site, i, node, seen) end
  end
end

-- paths: absolute, no characters that /etc/exports or fstab would split on, and never a system folder
local function clean_path(self, keys, value, forbidden)
  local name = field_name(keys)
  local normal = path.normalise(value)
  if not normal then
    self:problem(keys, name .. " '" .. value .. "' must be an absolute path without '..', like /nfs")
  elseif value:find("[%s\"'#,;()\\]") then
    self:problem(keys, name .. " '" .. value .. "' contains a space or a character that /etc/exports cannot take")
  elseif forbidden[normal] or SYSTEM_DIRS[normal] then
    self:problem(keys, name .. " is " .. normal .. ", a folder the head itself uses;"
      .. " give the cluster a folder of its own, like /nfs")
  else
    return normal
  end
  return nil
end

local function clean_relative(self, keys, value)
  if value:sub(1, 1) == "/" or value:find("%.%.") or value:find("[%s\"'#,;]") or value:sub(-1) == "/" then
    self:problem(keys, field_name(keys) .. " '" .. value .. "' must be a file path relative to paths.tftp_root,"
      .. " like pxelinux/pxelinux.0")
  end
end

local function check_overlap(self, a_keys, a, b_keys, b, why)
  if a and b and (path.inside(a, b) or path.inside(b, a)) then
    self:problem(a_keys, field_name(a_keys) .. " (" .. a .. ") overlaps " .. field_name(b_keys) .. " (" .. b .. "): " .. why)
  end
end

local function check_paths(self, site)
  local p = site.paths
  if not p then return end
  local own = {}
  for k in pairs(SYSTEM_DIRS) do own[k] = true end
  for k in pairs(DATA_DIRS) do own[k] = true end
  local roots = {}
  for _, key in ipairs({ "nfs_root", "node_dirs", "tftp_root" }) do
    if p[key] then
      roots[key] = clean_path(self, { "paths", key }, p[key], own)
      p[key] = roots[key] or p[key]
    end
  end
  check_overlap(self, { "paths", "node_dirs" }, roots.node_dirs, { "paths", "nfs_root" }, roots.nfs_root,
    "every node would see the other nodes' /var through the shared root")
  check_overlap(self, { "paths", "tftp_root" }, roots.tftp_root, { "paths", "nfs_root" }, roots.nfs_root,
    "TFTP would serve the node image, /etc/shadow included, to anyone on the network, or the boot files would land in the image")
  check_overlap(self, { "paths", "tftp_root" }, roots.tftp_root, { "paths", "node_dirs" }, roots.node_dirs,
    "TFTP would serve the nodes' /var to anyone on the network")
  local seen = {}
  for i, dir in ipairs(p.shared or {}) do
    local keys = { "paths", "shared", i }
    local normal = type(dir) == "string" and clean_path(self, keys, dir, {})
    if normal then
      p.shared[i] = normal
      if seen[normal] then self:problem(keys, "paths.shared lists " .. normal .. " twice") end
      seen[normal] = true
      for _, key in ipairs({ "nfs_root", "node_dirs", "tftp_root" }) do
        check_overlap(self, keys, normal, { "paths", key }, roots[key], "export each folder once")
      end
    end
  end
  if p.boot_file then clean_relative(self, { "paths", "boot_file" }, p.boot_file) end
end

-- a URL debootstrap can fetch from, for a family whose image is made by debootstrap
local function check_mirror(self, image)
  local scheme = image.mirror:match("^(%a+)://[^%s\"'`$;\\]+$")
  if not (scheme == "http" or scheme == "https" or scheme == "ftp" or scheme == "file") then
    self:problem({ "image", "mirror" }, "image.mirror '" .. image.mirror
      .. "' is not a mirror URL like http://deb.debian.org/debian (http, https, ftp or file)")
  elseif self.family and self.family.image.manager ~= "debootstrap" then
    self:problem({ "image", "mirror" }, "image.mirror is only used by debootstrap (family debian12);"
      .. " " .. self.family.image.manager .. " takes its mirrors from the repository files")
  elseif image.method ~= "installroot" then
    self:problem({ "image", "mirror" }, "image.mirror is only used by the installroot method, not " .. image.method)
  end
end

local function check_misc(self, site)
  if site.name and not site.name:match("^%w[%w%._%-]*$") then
    self:problem({ "name" }, "name '" .. site.name .. "' must be letters, digits, '.', '_' or '-' (it names files)")
  end
  local image, pxe, scratch = site.image, site.pxe, site.scratch
  if image and image.kernel and not image.kernel:match("^[%w%.%-_+]+$") then
    self:problem({ "image", "kernel" }, "image.kernel '" .. image.kernel
      .. "' is not a kernel version like 3.10.0-1160.el7.x86_64")
  end
  if image and image.mirror then check_mirror(self, image) end
  if image and image.packages and #image.packages == 0 and image.method == "installroot" then
    self:problem({ "image", "packages" }, "image.packages is empty: the installroot method needs packages to install")
  end
  if pxe and pxe.kernel_args and pxe.kernel_args:find("%c") then
    self:problem({ "pxe", "kernel_args" }, "pxe.kernel_args must be one line")
  end
  if pxe and pxe.uefi and pxe.uefi.enabled and pxe.uefi.boot_file then
    clean_relative(self, { "pxe", "uefi", "boot_file" }, pxe.uefi.boot_file)
  end
  if scratch and scratch.device and not scratch.device:match("^/dev/[%w/%._%-]+$") then
    self:problem({ "scratch", "device" }, "scratch.device '" .. scratch.device .. "' must be a device like /dev/sda")
  end
end

---------------------------------------------------------------------------------------------------
-- Lines. The source is split and indexed only when there are problems to report.

local function key_at(line, key)
  return line:find("%f[%w_]" .. key:gsub("%p", "%%%0") .. "%f[^%w_]%s*=") ~= nil
end

local function index_source(source)
  local lines = {}
  for line in (source .. "\n"):gmatch("([^\n]*)\n") do lines[#lines + 1] = line end
  -- names: node name -> its lines; previous/following: the neighbouring name lines of a name line
  local index = { lines = lines, nodes_line = nil, names = {}, previous = {}, following = {} }
  local last = 0
  for n, line in ipairs(lines) do
    if not index.nodes_line and key_at(line, "nodes") then index.nodes_line = n end
    local name = index.nodes_line and line:match("%f[%w_]name%s*=%s*[\"']([^\"']+)[\"']")
    if name then
      index.names[name] = index.names[name] or {}
      table.insert(index.names[name], n)
      index.previous[n], index.following[last] = last, n
      last = n
    end
  end
  index.following[last] = #lines + 1
  return index
end

local function find_key(index, key, from, to)
  local step = from <= to and 1 or -1
  for n = from, to, step do
    if key_at(index.lines[n], key) then return n end
  end
  return nil
end

-- for each node, which occurrence of its name in the source holds it (names can be duplicated)
local function occurrences(nodes)
  local count, out = {}, {}
  for i, node in ipairs(nodes or {}) do
    if node and type(node.name) == "string" then
      count[node.name] = (count[node.name] or 0) + 1
      out[i] = count[node.name]
    end
  end
  return out
end

-- the node's own line (its name = "..."), then its field between the neighbouring nodes
local function locate_node(self, index, keys)
  local nodes = self.site.nodes
  local node = nodes and nodes[keys[2]]
  local lines = node and type(node.name) == "string" and index.names[node.name]
  local at = lines and lines[index.occurrence[keys[2]]]
  if not at then return index.nodes_line or 1 end
  if not keys[3] then return at end
  local before, after = index.previous[at], index.following[at]
  return find_key(index, keys[3], at, after - 1) or find_key(index, keys[3], at - 1, before + 1) or at
end

local function locate(self, index, keys)
  if keys[1] == "nodes" and type(keys[2]) == "number" then return locate_node(self, index, keys) end
  local line = nil
  for _, key in ipairs(keys) do
    if type(key) == "string" then
      local found = find_key(index, key, line or 1, #index.lines)
      if not found then break end
      line = found
    end
  end
  return line or 1
end

function Checker:finish(file, source)
  local index = #self.problems > 0 and index_source(source or "") or nil
  if index then index.occurrence = occurrences(self.site and self.site.nodes) end
  local out = {}
  for i, p in ipairs(self.problems) do
    out[i] = { file = file, line = locate(self, index, p.keys), node = p.node, field = field_name(p.keys),
               message = p.message }
  end
  return out
end

---------------------------------------------------------------------------------------------------

-- Checks a site table and fills its defaults.
-- Returns the filled site (a new table; nodes are copies with normalised MACs) and the list of problems,
-- each {file, line, node, field, message}. opts = {file = site path, source = site file text}.
function M.check(raw, opts)
  opts = opts or {}
  local self = setmetatable({ problems = {} }, Checker)
  if type(raw) ~= "table" then
    self:problem({}, "the site file must return a table, not " .. type(raw))
    return nil, self:finish(opts.file, opts.source)
  end
  check_family(self, raw)
  local site = fill(self, raw, SCHEMA, {})
  self.site = site
  check_network(self, site)
  check_head(self, site)
  check_nodes(self, site)
  check_paths(self, site)
  check_misc(self, site)
  return site, self:finish(opts.file, opts.source)
end

return M
