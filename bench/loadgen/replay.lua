-- wrk script: replays pre-signed requests written by presign.mjs, one new record per request.
-- usage: wrk -t T -c C -d D -s replay.lua URL -- <file prefix> <wrap|nowrap>
-- Thread i reads "<prefix>.<i>"; each record is "<len>\n<raw request>". At end of file the thread starts
-- over (needed for the ceiling, where the stand-in does not care); in nowrap phases the orchestrator treats
-- any wrap as an invalid run (it would resend svix-ids, which the runtime answers from its dedup store).
-- done() prints one line "WRK_RESULT {json}" with counts, errors and latency percentiles in microseconds.
local next_tid = 0
local threads = {}

function setup(thread)
  thread:set("tid", next_tid)
  next_tid = next_tid + 1
  table.insert(threads, thread)
end

function init(args)
  prefix = args[1]
  f = assert(io.open(prefix .. "." .. tid, "rb"))
  f:setvbuf("full", 1048576)
  sent = 0
  wraps = 0
end

function request()
  local len = f:read("*l")
  if not len then
    wraps = wraps + 1
    f:seek("set", 0)
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
