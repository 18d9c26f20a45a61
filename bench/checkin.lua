-- POST /api/v1/checkins cycling through ticket payloads from a file, one per line.
-- Set by the bench (wrk.lua is loaded with these globals replaced): PAYLOADS, FAIR_ID, TOKEN.
-- Thread t of n takes lines t, t+n, t+2n, ... so no two threads send the same ticket in one pass.
local payloads_file = "%(payloads)s"
local fair_id = %(fair_id)s
local token = "%(token)s"

local threads = {}
local next_thread = 0
function setup(thread)
  thread:set("thread_index", next_thread)
  next_thread = next_thread + 1
  table.insert(threads, thread)
end

local lines = {}
local position = 0
local step = 1
function init(args)
  for line in io.lines(payloads_file) do
    table.insert(lines, line)
  end
  step = tonumber(args[1] or "1")
  position = thread_index
end

local headers = {["Content-Type"] = "application/json", ["Authorization"] = "Bearer " .. token}
function request()
  local payload = lines[(position % #lines) + 1]
  position = position + step
  local body = '{"fair_id":' .. fair_id .. ',"qr_payload":"' .. payload .. '"}'
  return wrk.format("POST", "/api/v1/checkins", headers, body)
end
