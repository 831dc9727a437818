-- A plain script for `bramble run`, to see the sandbox at work:
--   bramble run examples/hello/hello.lua --allow-write /tmp/bramble-hello --allow-run uname
-- It writes where the operator allowed, runs a command as an argv array, and is refused elsewhere.
local DIR = "/tmp/bramble-hello"  -- must match the --allow-write path

local written = bramble.write_file{ path = DIR .. "/hello.txt", content = "hello from the bramble sandbox\n", mode = "0644" }
print("wrote " .. DIR .. "/hello.txt: " .. written.status)

local uname = bramble.run{ "uname", "-r" }
local release = (uname.stdout or ""):gsub("%s+$", "")
print("uname -r: " .. release .. " (" .. uname.status .. ")")

-- outside the allowed folder the write is refused: a Lua error, which pcall catches
local ok, err = pcall(bramble.write_file, { path = "/etc/bramble-hello", content = "not allowed\n" })
print("write to /etc/bramble-hello " .. (ok and "was allowed?!" or "refused: " .. tostring(err)))

-- and the usual escape hatches are simply not there
print("io library: " .. tostring(io) .. ", os.execute: " .. tostring(os.execute))
