-- One wrk script for every figure. BENCH_REQUESTS names a file of request lines,
-- "METHOD<TAB>PATH<TAB>BODY" (BODY optional); each connection cycles through them
-- from its own offset. "__IDEM__" in a body becomes a fresh UUID per request (the
-- filing form's idempotency key). Every -H header (the session and CSRF cookies)
-- is sent with every request. done() prints one "WRKJSON {...}" line that
-- bench/wrk.py parses: latency percentiles and the responses by status class.

local threads = {}

function setup(thread)
  table.insert(threads, thread)
  thread:set("tid", #threads)
end

local function copy_headers(extra)
  local h = {}
  for k, v in pairs(wrk.headers) do h[k] = v end
  for k, v in pairs(extra) do h[k] = v end
  return h
end

local function uuid()
  return string.format("%08x-%04x-4%03x-%04x-%06x%06x",
    math.random(0, 0x7fffffff), math.random(0, 0xffff), math.random(0, 0xfff),
    0x8000 + math.random(0, 0x3fff), math.random(0, 0xffffff), math.random(0, 0xffffff))
end

function init(args)
  counts = {s1 = 0, s2 = 0, s3 = 0, s4 = 0, s5 = 0}
  math.randomseed(os.time() * 1000 + (tid or 0) * 7919)
  reqs = {}
  for line in io.lines(os.getenv("BENCH_REQUESTS")) do
    local method, path, body = line:match("^(%u+)\t([^\t]+)\t?(.*)$")
    if method then
      local r = {method = method, path = path, body = body}
      if body ~= "" then
        r.headers = copy_headers({["Content-Type"] = "application/x-www-form-urlencoded"})
      else
        r.body = nil
        r.headers = copy_headers({})
      end
      if not (r.body and r.body:find("__IDEM__", 1, true)) then
        r.pre = wrk.format(r.method, r.path, r.headers, r.body)
      end
      table.insert(reqs, r)
    end
  end
  idx = (tid or 0) % #reqs
end

function request()
  idx = idx % #reqs + 1
  local r = reqs[idx]
  if r.pre then return r.pre end
  local body = (r.body:gsub("__IDEM__", uuid()))
  return wrk.format(r.method, r.path, r.headers, body)
end

function response(status, headers, body)
  local k = "s" .. math.floor(status / 100)
  counts[k] = (counts[k] or 0) + 1
end

function done(summary, latency, requests)
  local t = {s1 = 0, s2 = 0, s3 = 0, s4 = 0, s5 = 0}
  for _, thread in ipairs(threads) do
    local c = thread:get("counts")
    for k, v in pairs(c) do t[k] = (t[k] or 0) + v end
  end
  local e = summary.errors
  io.write(string.format(
    'WRKJSON {"requests": %d, "duration_us": %d, "connect_errors": %d, "read_errors": %d, ' ..
    '"write_errors": %d, "timeouts": %d, "status_errors": %d, "p50_us": %d, "p95_us": %d, ' ..
    '"p99_us": %d, "max_us": %d, "mean_us": %.1f, "s1": %d, "s2": %d, "s3": %d, "s4": %d, "s5": %d}\n',
    summary.requests, summary.duration, e.connect, e.read, e.write, e.timeout, e.status,
    latency:percentile(50), latency:percentile(95), latency:percentile(99), latency.max, latency.mean,
    t.s1, t.s2, t.s3, t.s4, t.s5))
end
