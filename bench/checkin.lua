-- POST /api/v1/checkins cycling through ticket payloads from a file, one per line.
-- Set by the bench (wrk.lua is loaded with these globals replaced): PAYLOADS, FAIR_ID, TOKEN.
-- Thread t of n takes lines t, t+n, t+2n, ... so no two threads send the same ticket in one pass.
-- The requests are formatted once, in init(): the load generator shares the server's two cores, so
-- it should spend as little of them as it can.
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

local requests = {}
local position = 0
function init(args)
  local step = tonumber(args[1] or "1")
  local headers = {["Content-Type"] = "application/json", ["Authorization"] = "Bearer " .. token}
  local index = 0
  for line in io.lines(payloads_file) do
    if index % step == thread_index then
      local body = '{"fair_id":' .. fair_id .. ',"qr_payload":"' .. line .. '"}'
      table.insert(requests, wrk.format("POST", "/api/v1/checkins", headers, body))
    end
    index = index + 1
  end
end

function request()
  position = position + 1
  return requests[((position - 1) % #requests) + 1]
end
