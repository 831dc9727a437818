-- IPv4 addresses, subnets, MAC addresses and host names: the parsing behind site validation.
-- Addresses are handled as integers so that range and subnet checks are plain comparisons.
local M = {}

-- "172.25.2.101" -> integer, or nil when malformed (leading zeros are refused: some tools read them as octal)
function M.parse_ip(text)
  if type(text) ~= "string" then return nil end
  local parts = { text:match("^(%d+)%.(%d+)%.(%d+)%.(%d+)$") }
  if #parts ~= 4 then return nil end
  local value = 0
  for _, part in ipairs(parts) do
    local n = tonumber(part)
    if n > 255 or (#part > 1 and part:sub(1, 1) == "0") then return nil end
    value = value * 256 + n
  end
  return value
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
  if type(text) ~= "string" then return nil end
  local bytes = { text:match("^(%x%x)[:%-](%x%x)[:%-](%x%x)[:%-](%x%x)[:%-](%x%x)[:%-](%x%x)$") }
  if #bytes ~= 6 then return nil end
  return table.concat(bytes, ":"):lower()
end

-- one RFC 1123 label: it becomes a DHCP host name and a folder name, so no dots
function M.valid_hostname(text)
  return type(text) == "string" and #text <= 63 and text:match("^%w[%w%-]*$") ~= nil and text:sub(-1) ~= "-"
end

-- Linux interface names: at most 15 bytes, no '/', ':' or white space
function M.valid_interface(text)
  return type(text) == "string" and #text <= 15 and text:match("^[%w%._@%-]+$") ~= nil
end

return M
