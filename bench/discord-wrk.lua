-- wrk script for bench/discord-load.sh: sends pre-signed Discord interactions, each once, and counts the answers.
--
-- wrk args (after --): <requests file> <offset> <threads>. The requests file is what bench/FakeDiscordForBench writes
-- for "raw <path> <count>": records "<length>\n<whole HTTP/1.1 request>", signed by the fake. Thread k of T sends
-- requests k, k+T, k+2T, ... starting offset/T into its share, so a run that starts at the previous run's next= sends
-- interactions that run did not (not even the ones still in flight when it stopped).
--
-- The requests are read in init(), once per thread, and not compiled into the script: wrk starts each thread as soon
-- as that thread's script is loaded, so a script that takes seconds to load (100 MB of Lua constants took ~1.7 s
-- per copy here) let the first thread send alone, beside a core busy loading, and wrk counted those requests.
local threads = {}
function setup(thread)
  table.insert(threads, thread)
  thread:set("tid", #threads)
end

function init(args)
  local path = args[1]
  local offset = tonumber(args[2]) or 0
  local nthreads = tonumber(args[3]) or 1
  local f = assert(io.open(path or "", "rb"), "cannot open the requests file (first wrk argument after --)")
  reqs = {}
  local n = 0
  -- Record by record: one read of the whole file (tens of MB) took ~0.6 s per thread here, this ~0.15 s.
  for line in f:lines() do
    local length = assert(tonumber(line), "malformed requests file")
    n = n + 1
    if (n - tid) % nthreads == 0 then reqs[#reqs + 1] = f:read(length) else f:seek("cur", length) end
  end
  f:close()
  assert(#reqs > 0, "no requests for this thread")
  sent = math.floor(offset / nthreads)
  ok, non2xx, saved, similar, deferred, replayed, statuses, ids, similars = 0, 0, 0, 0, 0, 0, "", {}, {}
end

function request()
  sent = sent + 1
  return reqs[(sent - 1) % #reqs + 1]
end

function response(status, headers, body)
  if status >= 200 and status < 300 then
    ok = ok + 1
    -- An ephemeral message (type 4) saying "Saved idea #N"; a deferral (type 5) means the bot took over 2.5 s.
    local id = string.match(body, "Saved idea #(%d+)")
    if id and string.find(body, '"type":4', 1, true) then saved = saved + 1; ids[#ids + 1] = id end
    if string.find(body, '"type":5', 1, true) then deferred = deferred + 1 end
    if string.find(body, "Already done", 1, true) then replayed = replayed + 1 end
    if string.find(body, "similar idea", 1, true) or string.find(body, "reads a lot like", 1, true) then
      similar = similar + 1
      if #similars < 20 then similars[#similars + 1] = string.match(body, '"content":"(.-)","') or body end
    end
  else
    non2xx = non2xx + 1
    if #statuses < 200 then statuses = statuses .. status .. " " end
  end
end

-- One summary line for the load script; the acknowledged idea ids go to $IDS_FILE, one a line, and the first
-- near-duplicate answers (there should be none) to $SIMILAR_FILE.
function done(summary, latency, requests)
  local o, b, s, d, df, rp, st, furthest = 0, 0, 0, 0, 0, 0, "", 0
  local f = io.open(os.getenv("IDS_FILE") or "/dev/null", "w")
  for _, t in ipairs(threads) do
    o = o + t:get("ok"); b = b + t:get("non2xx"); s = s + t:get("saved"); d = d + t:get("similar")
    df = df + t:get("deferred"); rp = rp + t:get("replayed")
    st = st .. t:get("statuses")
    furthest = math.max(furthest, t:get("sent"))
    for _, id in ipairs(t:get("ids")) do f:write(id, "\n") end
  end
  f:close()
  f = io.open(os.getenv("SIMILAR_FILE") or "/dev/null", "w")
  for _, t in ipairs(threads) do
    for _, text in ipairs(t:get("similars")) do f:write(text, "\n") end
  end
  f:close()
  local e = summary.errors
  io.write(string.format("RESULT requests=%d duration_us=%d p50_us=%d p99_us=%d ok=%d non2xx=%d saved=%d similar=%d " ..
    "deferred=%d replayed=%d connect=%d read=%d write=%d timeout=%d next=%d\n", summary.requests, summary.duration,
    latency:percentile(50), latency:percentile(99), o, b, s, d, df, rp, e.connect, e.read, e.write, e.timeout,
    furthest * #threads))
  if #st > 0 then io.write("STATUSES " .. st .. "\n") end
end
