-- wrk script: replays pre-signed requests written by presign.mjs, one new record per request.
-- usage: wrk -t T -c C -d D -s replay.lua URL -- <file prefix> <parts>
-- Thread i reads "<prefix>.<i>.0", "<prefix>.<i>.1", ... up to <parts> - 1 (the parts are signed in parallel, one
-- signer per core); each record is "<len>\n<raw request>". The event mix (which event types, in which order) is
-- the order of the records: presign.mjs shuffles them. After the last part the thread starts over at the first
-- (needed for the ceiling, where the stand-in does not care); in measurements the orchestrator treats any wrap
-- as an invalid run (it would resend svix-ids, which the runtime answers from its dedup store).
-- done() prints one line "WRK_RESULT {json}" with counts, errors and latency percentiles in microseconds.
local next_tid = 0
local threads = {}

function setup(thread)
  thread:set("tid", next_tid)
  next_tid = next_tid + 1
  table.insert(threads, thread)
end

local function open_part(p)
  part = p
  if f then f:close() end
  f = assert(io.open(prefix .. "." .. tid .. "." .. p, "rb"))
  f:setvbuf("full", 1048576)
end

function init(args)
  prefix = args[1]
  parts = tonumber(args[2] or "1")
  sent = 0
  wraps = 0
  open_part(0)
end

function request()
  local len = f:read("*l")
  while not len do
    if part + 1 < parts then
      open_part(part + 1)
    else
      wraps = wraps + 1
      open_part(0)
    end
    len = f:read("*l")
  end
  sent = sent + 1
  return f:read(tonumber(len))
end

function done(summary, latency, requests)
  local sent_total, wraps_total = 0, 0
  for _, t in ipairs(threads) do
    sent_total = sent_total + t:get("sent")
    wraps_total = wraps_total + t:get("wraps")
  end
  local e = summary.errors
  io.write(string.format(
    'WRK_RESULT {"duration_us":%d,"requests":%d,"bytes":%d,"sent":%d,"wraps":%d,' ..
    '"errors":{"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d},' ..
    '"latency_us":{"mean":%.1f,"stdev":%.1f,"max":%d,"p50":%d,"p90":%d,"p99":%d,"p999":%d}}\n',
    summary.duration, summary.requests, summary.bytes, sent_total, wraps_total,
    e.connect, e.read, e.write, e.status, e.timeout,
    latency.mean, latency.stdev, latency.max,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency:percentile(99.9)))
end
