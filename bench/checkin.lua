-- POST /api/v1/checkins as the scanner page sends it: its device token (Authorization: Bearer, no
-- cookie), Accept and Content-Type JSON, and the page's body: a fresh client scan_id for every scan,
-- the fair, the ticket's payload and the phone's time.
-- Set by the bench (this file is loaded with these globals replaced): PAYLOADS, FAIR_ID, TOKEN.
-- Arguments: the number of threads n, and a tag that makes this run's scan ids its own.
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

local payloads = {}
local position = 0
local headers = nil
local tag = ""
function init(args)
  local step = tonumber(args[1] or "1")
  tag = args[2] or ""
  headers = {["Content-Type"] = "application/json", ["Accept"] = "application/json",
             ["Authorization"] = "Bearer " .. token}
  local index = 0
  for line in io.lines(payloads_file) do
    if index % step == thread_index then
      table.insert(payloads, line)
    end
    index = index + 1
  end
end

function request()
  position = position + 1
  local payload = payloads[((position - 1) % #payloads) + 1]
  local body = '{"scan_id":"' .. tag .. thread_index .. '-' .. position .. '","fair_id":' .. fair_id ..
    ',"qr_payload":"' .. payload .. '","scanned_at":"' .. os.date("!%Y-%m-%dT%H:%M:%SZ") .. '"}'
  return wrk.format("POST", "/api/v1/checkins", headers, body)
end
