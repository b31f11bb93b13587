-- wrk script for bench/run.py. BENCH_LINES names a file of requests, one per line:
--   METHOD<TAB>PATH<TAB>COOKIE<TAB>BODY
-- BENCH_ORDER=random picks a line at random for each request (page views); "split" gives
-- each thread its own lines in turn, so a transition is never sent twice while lines last.
-- done() prints one JSON line: requests, seconds, errors, status classes (2xx..5xx),
-- latency percentiles (us).
local threads = {}
local lines = {}
local order = os.getenv("BENCH_ORDER") or "random"
local counter = 0
id = 0 -- set per thread by setup() (a global: thread:set writes globals)
-- Status classes per thread (wrk copies only plain values between threads).
s2xx, s3xx, s4xx, s5xx = 0, 0, 0, 0

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
  if status < 300 then s2xx = s2xx + 1
  elseif status < 400 then s3xx = s3xx + 1
  elseif status < 500 then s4xx = s4xx + 1
  else s5xx = s5xx + 1 end
end

function done(summary, latency, requests)
  local merged = {s2xx = 0, s3xx = 0, s4xx = 0, s5xx = 0}
  for _, thread in ipairs(threads) do
    for name, _ in pairs(merged) do
      merged[name] = merged[name] + (thread:get(name) or 0)
    end
  end
  local parts = {}
  for name, n in pairs(merged) do
    table.insert(parts, string.format('"%sxx": %d', name:sub(2, 2), n))
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
