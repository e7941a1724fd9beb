-- The load script scripts/bench.py runs wrk with: `wrk -s scripts/wrk.lua URL -- SPEC THREADS`.
-- SPEC is a file of lines "method POST", "header Name: value", "body {...}" and "path /x";
-- each wrk thread takes its own share of the paths and cycles through it (for `submit` the
-- bench gives more drafts than a run takes, so each is submitted once; a second time would
-- count as an error). done() prints one JSON line, the shape of scripts/loadgen.py's.

local threads = {}

function setup(thread)
  table.insert(threads, thread)
  thread:set("thread_index", #threads)
end

function init(args)
  local method, body, headers, paths = "GET", nil, {}, {}
  for line in io.lines(args[1]) do
    local kind, rest = line:match("^(%a+) (.*)$")
    if kind == "method" then
      method = rest
    elseif kind == "body" then
      body = rest
    elseif kind == "header" then
      local name, value = rest:match("^([^:]+): (.*)$")
      headers[name] = value
    elseif kind == "path" then
      table.insert(paths, rest)
    end
  end
  local count = tonumber(args[2])
  -- Requests are built once here: building one per request costs wrk's own CPU.
  prepared = {}
  for n, path in ipairs(paths) do
    if #paths < count or (n - 1) % count == thread_index - 1 then
      table.insert(prepared, wrk.format(method, path, headers, body))
    end
  end
  position = 0
  hits = 0
end

function request()
  position = position % #prepared + 1
  return prepared[position]
end

function response(status, headers, body)
  if (headers["X-Page-Cache"] or headers["x-page-cache"]) == "hit" then
    hits = hits + 1
  end
end

function done(summary, latency, requests)
  local all_hits = 0
  for _, thread in ipairs(threads) do
    all_hits = all_hits + thread:get("hits")
  end
  local errors = summary.errors
  io.write(string.format(
    '{"requests": %d, "seconds": %.3f, "errors": %d, "p50_ms": %.2f, "p95_ms": %.2f, "hits": %d}\n',
    summary.requests,
    summary.duration / 1e6,
    errors.connect + errors.read + errors.write + errors.status + errors.timeout,
    latency:percentile(50) / 1000,
    latency:percentile(95) / 1000,
    all_hits
  ))
end
