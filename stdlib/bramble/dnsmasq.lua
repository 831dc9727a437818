-- dnsmasq: TFTP server, DHCP with one fixed address per node, and the PXE boot file.
local net = require("bramble.net")

local M = {}

function M.conf_path(site)
  return "/etc/dnsmasq.d/" .. site.name .. ".conf"
end

-- the DHCP range line's values: the dynamic range, or the subnet in "static" mode (listed nodes only)
local function range_values(network)
  if network.dynamic_range then
    return { start = network.dynamic_range[1], stop = network.dynamic_range[2] }, false
  end
  local subnet = net.parse_subnet(network.subnet)
  return false, { network = net.format_ip(subnet.network), netmask = net.netmask(subnet.prefix) }
end

function M.values(ctx)
  local site = ctx.site
  local uefi = site.pxe.uefi
  local dynamic, static = range_values(site.network)
  return {
    tftp_secure = site.pxe.tftp_secure,
    dynamic_range = dynamic,
    static_range = static,
    uefi = uefi.enabled and { uefi_boot_file = uefi.boot_file } or false,
  }
end

function M.configure(ctx)
  bramble.directory{ path = ctx.paths.tftp_root, mode = "0755" }
  bramble.directory{ path = "/etc/dnsmasq.d", mode = "0755" }
  local conf = bramble.template{
    path = M.conf_path(ctx.site),
    template = "dnsmasq.conf.mustache",
    values = ctx.values_with(M.values(ctx)),
    mode = "0644",
    validate = { "dnsmasq", "--test", "-C", "%s" },
  }
  local service = bramble.service{ name = ctx.family.services.dnsmasq, enabled = true, state = "started" }
  -- a dnsmasq this step has just started already reads the new file: no restart at the end
  if conf.status ~= "ok" and not M.started(service) then ctx.notify("restart-dnsmasq") end
end

-- Whether a service call started the service (its result lists the systemctl verbs it ran).
function M.started(result)
  for _, verb in ipairs(result.changes or {}) do
    if verb == "start" then return true end
  end
  return false
end

function M.restart(ctx)
  bramble.service{ name = ctx.family.services.dnsmasq, state = "restarted" }
end

return M
