-- wrk script for bench/run.py. BENCH_LINES names a file of requests, one per line:
--   METHOD<TAB>PATH<TAB>COOKIE<TAB>BODY
-- BENCH_ORDER=random picks a line at random for each request (page views); "split" gives
-- each thread its own lines in turn, so a transition is never sent twice while lines last.
-- done() prints one JSON line: requests, seconds, errors, statuses, latency percentiles (us).
local threads = {}
local lines = {}
local order = os.getenv("BENCH_ORDER") or "random"
local counter = 0
local id = 0
local nthreads = 1
local statuses = {}

function setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end

function init(args)
  for line in io.lines(os.getenv("BENCH_LINES")) do
    local method, path, cookie, body = line:match("^([^\t]*)\t([^\t]*)\t([^\t]*)\t?(.*)$")
    local headers = {["Cookie"] = cookie, ["Host"] = "127.0.0.1"}
    if method == "POST" then
      headers["Content-Type"] = "application/x-www-form-urlencoded"
    else
      body = nil
    end
    table.insert(lines, wrk.format(method, path, headers, body))
  end
  math.randomseed(id * 7919 + os.time())
  counter = id
end

function request()
  if order == "random" then
    return lines[math.random(#lines)]
  end
  local line = lines[(counter % #lines) + 1]
  counter = counter + nthreads_hint()
  return line
end

function nthreads_hint()
  return tonumber(os.getenv("BENCH_THREADS") or "1")
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
  local merged = {}
  for _, thread in ipairs(threads) do
    local s = thread:get("statuses")
    for code, n in pairs(s) do
      merged[tostring(code)] = (merged[tostring(code)] or 0) + n
    end
  end
  local parts = {}
  for code, n in pairs(merged) do
    table.insert(parts, string.format('"%s": %d', code, n))
  end
  local e = summary.errors
  io.write(string.format(
    'BENCH_JSON {"requests": %d, "seconds": %.3f, "errors": {"connect": %d, "read": %d, '
      .. '"write": %d, "status": %d, "timeout": %d}, "statuses": {%s}, '
      .. '"latency_us": {"mean": %.1f, "p50": %d, "p90": %d, "p95": %d, "p99": %d, "max": %d}}\n',
    summary.requests, summary.duration / 1e6, e.connect, e.read, e.write, e.status, e.timeout,
    table.concat(parts, ", "), latency.mean, latency:percentile(50), latency:percentile(90),
    latency:percentile(95), latency:percentile(99), latency.max))
end
