-- "did you mean ...?" for misspelt field, step and family names.
local M = {}

-- edit distance where swapping two neighbouring letters ("mca" for "mac") counts as one edit
function M.distance(a, b)
  if a == b then return 0 end
  local before, previous = nil, {}
  for j = 0, #b do previous[j] = j end
  for i = 1, #a do
    local current = { [0] = i }
    local ca = a:byte(i)
    for j = 1, #b do
      local cb = b:byte(j)
      local d = math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca == cb and 0 or 1))
      if before and i > 1 and j > 1 and ca == b:byte(j - 1) and a:byte(i - 1) == cb then
        d = math.min(d, before[j - 2] + 1)
      end
      current[j] = d
    end
    before, previous = previous, current
  end
  return previous[#b]
end

-- the closest candidate, if it is close enough to be a plausible typo
function M.closest(word, candidates)
  local best, best_distance = nil, math.huge
  for _, candidate in ipairs(candidates) do
    local d = M.distance(word:lower(), candidate:lower())
    if d < best_distance or (d == best_distance and candidate < best) then
      best, best_distance = candidate, d
    end
  end
  local limit = math.max(1, math.min(3, #word // 3))
  if best_distance <= limit then return best end
  return nil
end

-- " (did you mean 'x'?)" or ""
function M.hint(word, candidates)
  local best = type(word) == "string" and M.closest(word, candidates) or nil
  return best and (" (did you mean '" .. best .. "'?)") or ""
end

-- sorted keys of a set-like table, for candidate lists and messages
function M.keys(t)
  local list = {}
  for k in pairs(t) do list[#list + 1] = k end
  table.sort(list)
  return list
end

return M
