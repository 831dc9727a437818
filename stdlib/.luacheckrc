-- luacheck --config stdlib/.luacheckrc stdlib examples
std = "lua54"
read_globals = { "bramble" }
max_line_length = 130

files["**/*_spec.lua"] = {
  read_globals = { "describe", "it", "expect" },
}
