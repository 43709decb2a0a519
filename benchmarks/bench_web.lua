-- wrk script for benchmarks/bench_web.py (not used on its own).
-- Each request goes out as the next of the benchmark's runners in turn, so 100 connections act for
-- 100 accounts. With HIPCOACH_WRK_INTERVAL_MS > 0 each connection waits a random 0.5-1.5 intervals
-- before each request (a paced client; wrk does not count the wait in the latency); 0 is flat out.
-- done() prints one line of figures that bench_web.py reads.

local runners = dofile(os.getenv("HIPCOACH_WRK_DATA"))
local mode = os.getenv("HIPCOACH_WRK_MODE")
local interval_ms = tonumber(os.getenv("HIPCOACH_WRK_INTERVAL_MS"))
local nonce = os.getenv("HIPCOACH_WRK_NONCE")
local turn, sent, unexpected = 0, 0, 0 -- per wrk thread
local pages = { "/programme", "/sessions/%s", "/progress" }
local api_pages = { "/api/v1/programmes/%d/sessions", "/api/v1/runners/%d/set-logs", "/api/v1/runners/%d/progress" }

if interval_ms > 0 then
  function delay()
    return math.floor(interval_ms * (0.5 + math.random()))
  end
end

local function key()
  sent = sent + 1
  return string.format("b%s-%d-%d", nonce, sent, math.random(1000000000))
end

local function set_fields(r)
  return r.exercise, (sent % 2 == 0) and "left" or "right", sent % 10 + 1
end

-- The runner's next session in turn (see bench_web.py): its uid and date.
local function next_session(r)
  local i = sent % #r.uids + 1
  return r.uids[i], r.dates[i]
end

function request()
  turn = turn % #runners + 1
  local r = runners[turn]
  local k = turn + sent
  if mode == "api-set" then
    local client_key = key()
    local ex, side, n = set_fields(r)
    local body = string.format(
      '{"client_key":"%s","date":"%s","exercise_id":"%s","side":"%s","set_number":%d,'
        .. '"reps":10,"pain_during":2,"programme_id":%d}',
      client_key, select(2, next_session(r)), ex, side, n, r.programme)
    local headers = { ["Authorization"] = "Bearer " .. r.token, ["Content-Type"] = "application/json" }
    return wrk.format("POST", "/api/v1/set-logs", headers, body)
  elseif mode == "form-set" then
    local client_key = key()
    local ex, side, n = set_fields(r)
    local body = string.format(
      "csrf_token=%s&client_key=%s&exercise_id=%s&side=%s&set_number=%d&reps=10&pain_during=2",
      r.csrf, client_key, ex, side, n)
    local headers = {
      ["Cookie"] = "hipcoach_session=" .. r.cookie, ["HX-Request"] = "true",
      ["Content-Type"] = "application/x-www-form-urlencoded",
    }
    return wrk.format("POST", "/sessions/" .. next_session(r) .. "/sets", headers, body)
  elseif mode == "session" then
    sent = sent + 1
    if k % 2 == 1 then
      return wrk.format("GET", "/sessions/" .. r.session, { ["Cookie"] = "hipcoach_session=" .. r.cookie })
    end
    local path = string.format("/api/v1/programmes/%d/sessions/%s", r.programme, r.session)
    return wrk.format("GET", path, { ["Authorization"] = "Bearer " .. r.token })
  elseif mode == "html-pages" then
    sent = sent + 1
    local path = string.format(pages[k % #pages + 1], r.session)
    return wrk.format("GET", path, { ["Cookie"] = "hipcoach_session=" .. r.cookie })
  else -- api-pages
    sent = sent + 1
    local p = api_pages[k % #api_pages + 1]
    local path = string.format(p, (k % #api_pages == 0) and r.programme or r.runner)
    return wrk.format("GET", path, { ["Authorization"] = "Bearer " .. r.token })
  end
end

function response(status, headers, body)
  if status ~= 200 and status ~= 201 then
    unexpected = unexpected + 1
    if unexpected <= 3 then
      io.stderr:write(string.format("unexpected %d: %s\n", status, string.sub(body, 1, 200)))
    end
  end
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "FIGURES n=%d p50=%.3f p95=%.3f p99=%.3f max=%.3f seconds=%.3f errors=%d\n",
    summary.requests, latency:percentile(50) / 1000, latency:percentile(95) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000, summary.duration / 1e6,
    e.connect + e.read + e.write + e.timeout + e.status))
end
