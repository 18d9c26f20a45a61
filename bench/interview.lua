-- POST /api/v1/fairs/{id}/interviews as the booth page (static/js/booth.js) sends it after a scan and
-- three taps (outcome, vacancy, rating) and "Lưu": its device token (Authorization: Bearer, no
-- cookie), Accept and Content-Type JSON, and its body: a fresh client scan_id, the ticket's payload,
-- the booth's holder id, the outcome, the vacancy, the rating and the tags box (empty).
-- Set by the bench (this file is loaded with these globals replaced): PAYLOADS, FAIR_ID, TOKEN,
-- EMPLOYER_ID, VACANCY_ID. Arguments: the number of threads n, and a tag for this run's scan ids.
-- Thread t of n takes lines t, t+n, t+2n, ... so no two threads record the same person in one pass.
local payloads_file = "%(payloads)s"
local fair_id = %(fair_id)s
local token = "%(token)s"
local employer_id = %(employer_id)s
local vacancy_id = %(vacancy_id)s

local next_thread = 0
function setup(thread)
  thread:set("thread_index", next_thread)
  next_thread = next_thread + 1
end

local payloads = {}
local position = 0
local headers = nil
local tag = ""
local path = ""
function init(args)
  local step = tonumber(args[1] or "1")
  tag = args[2] or ""
  path = "/api/v1/fairs/" .. fair_id .. "/interviews"
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
  local body = '{"scan_id":"' .. tag .. thread_index .. '-' .. position .. '","qr_payload":"' .. payload ..
    '","outcome":"shortlisted","employer_id":' .. employer_id .. ',"vacancy_id":' .. vacancy_id ..
    ',"rating":4,"tags":[]}'
  return wrk.format("POST", path, headers, body)
end
