-- IPv4 addresses, subnets, MAC addresses and host names: the parsing behind site validation.
-- Addresses are handled as integers so that range and subnet checks are plain comparisons.
local M = {}

-- "172.25.2.101" -> integer, or nil when malformed (leading zeros are refused: some tools read them as octal)
function M.parse_ip(text)
  if type(text) ~= "string" then return nil end
  local a, b, c, d = text:match("^(%d+)%.(%d+)%.(%d+)%.(%d+)$")
  if not a or text:find("%f[%d]0%d") then return nil end
  a, b, c, d = tonumber(a), tonumber(b), tonumber(c), tonumber(d)
  if a > 255 or b > 255 or c > 255 or d > 255 then return nil end
  return ((a * 256 + b) * 256 + c) * 256 + d
end

function M.format_ip(value)
  return string.format("%d.%d.%d.%d", value >> 24 & 255, value >> 16 & 255, value >> 8 & 255, value & 255)
end

-- "172.25.2.0/24" -> {network=, prefix=, first=, last=} (first/last are the network and broadcast addresses),
-- or nil and a reason
function M.parse_subnet(text)
  if type(text) ~= "string" then return nil, "is not a string" end
  local address, prefix = text:match("^([%d%.]+)/(%d+)$")
  local network = M.parse_ip(address)
  prefix = tonumber(prefix)
  if not network or not prefix or prefix > 32 then
    return nil, "is not a subnet like 172.25.2.0/24"
  end
  local size = 1 << (32 - prefix)
  local base = network - network % size
  if base ~= network then
    return nil, "has host bits set (did you mean " .. M.format_ip(base) .. "/" .. prefix .. "?)"
  end
  return { network = base, prefix = prefix, first = base, last = base + size - 1 }
end

function M.netmask(prefix)
  return M.format_ip((0xFFFFFFFF << (32 - prefix)) & 0xFFFFFFFF)
end

function M.in_subnet(ip, subnet)
  return ip >= subnet.first and ip <= subnet.last
end

-- "52:54:00:25:02:02" in any case, with ':' or '-' -> lower case with ':' (dnsmasq's form), or nil
function M.normalise_mac(text)
  if type(text) ~= "string" or not text:match("^%x%x[:%-]%x%x[:%-]%x%x[:%-]%x%x[:%-]%x%x[:%-]%x%x$") then
    return nil
  end
  if text:find("-", 1, true) then text = text:gsub("%-", ":") end
  return text:lower()
end

-- one RFC 1123 label: it becomes a DHCP host name and a folder name, so no dots
function M.valid_hostname(text)
  return type(text) == "string" and #text <= 63 and text:match("^%w[%w%-]*$") ~= nil and text:byte(-1) ~= 45  -- "-"
end

-- Linux interface names: at most 15 bytes, no '/', ':' or white space
function M.valid_interface(text)
  return type(text) == "string" and #text <= 15 and text:match("^[%w%._@%-]+$") ~= nil
end

return M
