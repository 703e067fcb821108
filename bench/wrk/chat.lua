-- wrk script: POST the benchmark's chat completion; the first script argument picks the fake upstream's answer
-- (json, sse, big). done() prints one JSON line that bench/run.sh adds to the results.
local shape = "json"

function init(args)
  if args[1] then shape = args[1] end
  local stream = shape == "sse" and '"stream":true,' or ''
  wrk.method = "POST"
  wrk.body = '{"model":"bench-model",' .. stream .. '"messages":[{"role":"system","content":"Amsterdam is the capital of the Netherlands. It has about 900,000 inhabitants."},{"role":"user","content":"What is the capital of the Netherlands?"}]}'
  wrk.headers["Content-Type"] = "application/json"
  wrk.headers["X-Bench-Shape"] = shape
end

function done(summary, latency, requests)
  local seconds = summary.duration / 1e6
  local e = summary.errors
  io.write(string.format(
    '{"kind":"wrk","shape":"%s","requests":%d,"seconds":%.3f,"rps":%.1f,"p50":%.3f,"p90":%.3f,"p99":%.3f,"max":%.3f,"errors":%d}\n',
    shape, summary.requests, seconds, summary.requests / seconds,
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000, latency.max / 1000,
    e.connect + e.read + e.write + e.status + e.timeout))
end
