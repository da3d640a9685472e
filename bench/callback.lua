-- wrk script: POSTs pre-generated, distinct encrypted callbacks (bench/make_callbacks), each once.
-- Each wrk thread reads its own file: CALLBACKS_PREFIX<thread>.txt, lines "target<TAB>body".
local counter = 0
function setup(thread)
  counter = counter + 1
  thread:set("file_id", counter)
end

local requests = {}
local next_index = 1
local headers = { ["Content-Type"] = os.getenv("CALLBACKS_CONTENT_TYPE") or "text/xml" }

function init(args)
  local prefix = os.getenv("CALLBACKS_PREFIX") or "/tmp/groupdesk-callbacks-"
  for line in io.lines(prefix .. file_id .. ".txt") do
    local tab = line:find("\t", 1, true)
    requests[#requests + 1] = wrk.format("POST", line:sub(1, tab - 1), headers, line:sub(tab + 1))
  end
end

-- CALLBACKS_CYCLE=1 starts the file again when it runs out: for a reference server (nginx) that
-- answers every request alike, so the same files last however fast it is.
local cycle = os.getenv("CALLBACKS_CYCLE") == "1"

function request()
  local r = requests[next_index]
  if r == nil and cycle then
    next_index = 1
    r = requests[1]
  end
  if r == nil then
    -- Out of distinct callbacks: stop rather than replay (a replay would be a dedup hit).
    wrk.thread:stop()
    return requests[#requests]
  end
  next_index = next_index + 1
  return r
end

function done(summary, latency, requests)
  io.write(string.format("p50 %.3f ms, p99 %.3f ms, p99.9 %.3f ms, non-2xx/3xx %d\n",
    latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    latency:percentile(99.9) / 1000, summary.errors.status))
end
