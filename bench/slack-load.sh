#!/usr/bin/env bash
# Load on the Slack slash-command path: signed `/idea` commands over loopback to the published bot (Slack HTTP
# mode, SQLite), with ImproveBot.Testing's FakeSlackServer as the Slack Web API (users.info, auth.test).
# Reports throughput and p50/p99 latency as wrk sees them, and checks that every acknowledged idea is in the
# database (ideas stored >= 2xx answers). See bench/README.md.
#
# Usage: bash bench/slack-load.sh
#   Knobs (environment): DURATION=10s WARMUP=3s THREADS=2 CONNECTIONS=32 IDEAS=6000 USERS=50 PORT=5300
#                        SKIP_BUILD=1 (reuse bench/out/host and bench/out/fake from an earlier run)
# Exit status: 0 when every acknowledged idea id is in the store, every answer was 2xx and saved an idea, and wrk
# saw no socket error or timeout (> 3 s, Slack's ack deadline); 1 otherwise.
# Everything listens on and talks to 127.0.0.1 only; every wait is bounded.
set -euo pipefail
cd "$(dirname "$0")/.."

DURATION=${DURATION:-10s}
WARMUP=${WARMUP:-3s}
THREADS=${THREADS:-2}
CONNECTIONS=${CONNECTIONS:-32}
IDEAS=${IDEAS:-6000}   # distinct pre-signed requests; more than the bot's 2,000-idea similarity window
USERS=${USERS:-50}
PORT=${PORT:-5300}
OUT=bench/out
URL="http://127.0.0.1:$PORT"

BENCH=slack-load
# shellcheck source=bench/lib.sh
source bench/lib.sh

# ---- tools ---------------------------------------------------------------------------------------------------
ensure_wrk
check_prerequisites "$URL" "$PORT"

# ---- build -----------------------------------------------------------------------------------------------------
build_host_and_fake bench/FakeSlackForBench "the fake Slack"

# ---- processes, and their clean-up -----------------------------------------------------------------------------
tmp=$(mktemp -d)
bot_pid=""; fake_pid=""
cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  stop_pid "$bot_pid"
  stop_fake
  rm -rf "$tmp"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

start_fake "$OUT/fake/FakeSlackForBench.dll" "the fake Slack" --users "$USERS"
read -r _ api_base bot_token <<<"$ready_line"
log "fake Slack ready: $api_base"

secret=$(python3 -c 'import secrets; print(secrets.token_hex(16))')
db="$tmp/bench.db"
env -u Slack__AppToken -u ASPNETCORE_URLS \
  ConnectionStrings__ImproveBot="Data Source=$db" \
  Database__Provider=Sqlite \
  Slack__BotToken="$bot_token" \
  Slack__SigningSecret="$secret" \
  Slack__ApiBaseUrl="$api_base" \
  Scheduling__Enabled=false \
  Logging__LogLevel__Default=Warning \
  dotnet "$OUT/host/ImproveBot.Host.dll" --urls "$URL" >"$OUT/bot.log" 2>&1 3>&- &
bot_pid=$!
wait_for_bot "$URL"

# ---- the requests: distinct ideas, signed now, as a wrk script --------------------------------------------------
python3 - "$secret" "$IDEAS" "$USERS" "$OUT/idea.lua" <<'PY'
import hashlib, hmac, random, sys, time, urllib.parse

secret, count, users, path = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
verbs = ["block", "batch", "schedule", "draft", "sketch", "outline", "timebox", "rehearse", "automate", "prototype",
         "annotate", "benchmark", "document", "question", "revisit", "simplify", "visualize", "split", "archive",
         "pair on", "triage", "share", "tidy", "label"]
objects = ["email replies", "paper intros", "code reviews", "lab notes", "reading lists", "experiment logs",
           "grant drafts", "figure scripts", "meeting agendas", "related work", "data pipelines", "slide decks",
           "weekly goals", "open questions", "referee comments", "literature notes", "analysis notebooks",
           "poster layouts", "student feedback", "dataset audits"]
contexts = ["before lunch", "after standup", "on monday mornings", "on friday afternoons", "during the commute",
            "with a coauthor", "in a quiet room", "with a kitchen timer", "after each experiment",
            "before group meeting", "at the end of the day", "with the whole lab", "over coffee",
            "in short sprints", "before submitting", "with a checklist", "on a whiteboard", "in a shared doc",
            "after reading group", "on thursday evenings"]
reasons = ["to save context switches", "so nothing gets lost", "to catch errors early", "to make progress visible",
           "to reduce rework", "to unblock students", "to keep momentum", "to get faster feedback",
           "to think more clearly", "to avoid late surprises", "to cut waiting time", "to spot gaps sooner",
           "to free up mornings", "to learn from mistakes", "to keep the scope small", "to make handovers easy",
           "to lower the stress", "to build a habit", "to help newcomers", "to finish what we start",
           "to keep notes findable", "to stop repeating work", "to see the big picture", "to write less twice"]
tags = ["collaboration", "prioritization", "decomposition", "reading", "writing", "tools", "feedback", "focus"]

# Distinct (verb, object, context) triples; the reason is a checksum of the three, so any two ideas differ in at
# least two of the four phrases and stay below the bot's near-duplicate threshold (about 3 in 4 words shared).
space = len(verbs) * len(objects) * len(contexts)
if count > space:
    sys.exit(f"IDEAS must be at most {space}")
rnd = random.Random(20261127)  # the same ideas every run: runs compare like with like
ts = str(int(time.time()))
key = secret.encode("utf-8")
rows = []
for n, code in enumerate(rnd.sample(range(space), count), start=1):
    v, rest = divmod(code, len(objects) * len(contexts))
    o, c = divmod(rest, len(contexts))
    r = (v + o + c) % len(reasons)
    text = f"{verbs[v]} {objects[o]} {contexts[c]} {reasons[r]} #{rnd.choice(tags)} ({n % 10000})"
    u = rnd.randrange(1, users + 1)
    body = urllib.parse.urlencode([
        ("token", "benchverificationtoken"), ("team_id", "T0FAKE0001"), ("team_domain", "bench"),
        ("channel_id", "C0BENCH"), ("channel_name", "bench"), ("user_id", f"U0LOAD{u:04d}"),
        ("user_name", f"load{u:02d}"), ("command", "/idea"), ("text", text),
        ("response_url", "https://hooks.slack.com/commands/T/1/2"), ("trigger_id", "1.2.3"),
        ("api_app_id", "A0FAKEAPP1")])
    signature = "v0=" + hmac.new(key, f"v0:{ts}:{body}".encode("utf-8"), hashlib.sha256).hexdigest()
    assert '"' not in body and "\\" not in body
    rows.append(f'{{"{body}","{signature}"}},')

with open(path, "w", encoding="utf-8") as f:
    f.write(f"""-- Generated by bench/slack-load.sh: {count} signed /idea slash commands (timestamp {ts}, valid 5 minutes).
-- wrk args (after --): <offset> <threads>. Thread k of T sends requests k, k+T, k+2T, ... starting offset/T
-- into its share, so a run that starts at the previous run's next= sends ideas that run did not (not even
-- the ones still in flight when it stopped).
local ts = "{ts}"
local R = {{
{chr(10).join(rows)}
}}
local threads = {{}}
function setup(thread)
  table.insert(threads, thread)
  thread:set("tid", #threads)
end
function init(args)
  local offset = tonumber(args[1]) or 0
  local nthreads = tonumber(args[2]) or 1
  reqs = {{}}
  for i = tid, #R, nthreads do
    reqs[#reqs + 1] = wrk.format("POST", nil, {{
      ["Content-Type"] = "application/x-www-form-urlencoded",
      ["X-Slack-Request-Timestamp"] = ts,
      ["X-Slack-Signature"] = R[i][2],
    }}, R[i][1])
  end
  sent = math.floor(offset / nthreads)
  ok, non2xx, saved, similar, statuses, ids = 0, 0, 0, 0, "", {{}}
end
function request()
  sent = sent + 1
  return reqs[(sent - 1) % #reqs + 1]
end
function response(status, headers, body)
  if status >= 200 and status < 300 then
    ok = ok + 1
    local id = string.match(body, "Saved idea #(%d+)")
    if id then saved = saved + 1; ids[#ids + 1] = id end
    if string.find(body, "similar idea", 1, true) or string.find(body, "reads a lot like", 1, true) then similar = similar + 1 end
  else
    non2xx = non2xx + 1
    if #statuses < 200 then statuses = statuses .. status .. " " end
  end
end
-- One summary line for the load script; the acknowledged idea ids go to $IDS_FILE, one a line.
function done(summary, latency, requests)
  local o, b, s, d, st, furthest = 0, 0, 0, 0, "", 0
  local f = io.open(os.getenv("IDS_FILE") or "/dev/null", "w")
  for _, t in ipairs(threads) do
    o = o + t:get("ok"); b = b + t:get("non2xx"); s = s + t:get("saved"); d = d + t:get("similar")
    st = st .. t:get("statuses")
    furthest = math.max(furthest, t:get("sent"))
    for _, id in ipairs(t:get("ids")) do f:write(id, "\\n") end
  end
  f:close()
  local e = summary.errors
  io.write(string.format("RESULT requests=%d duration_us=%d p50_us=%d p99_us=%d ok=%d non2xx=%d saved=%d similar=%d " ..
    "connect=%d read=%d write=%d timeout=%d next=%d\\n", summary.requests, summary.duration, latency:percentile(50),
    latency:percentile(99), o, b, s, d, e.connect, e.read, e.write, e.timeout, furthest * #threads))
  if #st > 0 then io.write("STATUSES " .. st .. "\\n") end
end
""")
PY

# ---- warm-up, then the measured run ------------------------------------------------------------------------------
wait_for_quiet

log "warm-up: $WARMUP, $THREADS threads, $CONNECTIONS connections"
run_wrk "$OUT/warmup.txt" "$OUT/warmup.ids" wrk -t"$THREADS" -c"$CONNECTIONS" -d"$WARMUP" --timeout 3s -s "$OUT/idea.lua" "$URL/slack/commands" -- 0 "$THREADS"
warm=$(grep '^RESULT ' "$OUT/warmup.txt") || { cat "$OUT/warmup.txt" >&2; die "no RESULT from the warm-up"; }
[ "$(field "$warm" ok)" -gt 0 ] || { grep '^STATUSES' "$OUT/warmup.txt" >&2 || true; tail -n 20 "$OUT/bot.log" >&2; die "the warm-up got no 2xx answer"; }
sleep 1   # let the warm-up's last requests (in flight when wrk stopped) finish
ideas_before=$(count_ideas "$db")

log "measuring: $DURATION, $THREADS threads, $CONNECTIONS connections ($ideas_before ideas stored so far)"
bot_before=$(cpu_ticks "$bot_pid"); fake_before=$(cpu_ticks "$fake_pid"); read -r busy_before all_before <<<"$(busy_ticks)"
run_wrk "$OUT/measure.txt" "$OUT/measure.ids" wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --timeout 3s --latency -s "$OUT/idea.lua" \
  "$URL/slack/commands" -- "$(field "$warm" next)" "$THREADS"
bot_after=$(cpu_ticks "$bot_pid"); fake_after=$(cpu_ticks "$fake_pid"); read -r busy_after all_after <<<"$(busy_ticks)"
meas=$(grep '^RESULT ' "$OUT/measure.txt") || { cat "$OUT/measure.txt" >&2; die "no RESULT from the measured run"; }

# ---- durability: every acknowledged idea is in the store (the bot is still running) ------------------------------
read -r stored missing dup_acks <<<"$(check_durability "$db" "$OUT/warmup.ids" "$OUT/measure.ids")"

# ---- report ---------------------------------------------------------------------------------------------------------
sum() { echo $(( $(field "$warm" "$1") + $(field "$meas" "$1") )); }
acked=$(sum ok); non2xx=$(sum non2xx); saved=$(sum saved); similar=$(sum similar)
sockerr=$(( $(sum connect) + $(sum read) + $(sum write) + $(sum timeout) ))
hz=$(getconf CLK_TCK); cores=$(nproc)
secs=$(awk -v d="$(field "$meas" duration_us)" 'BEGIN {print d / 1e6}')
wrk_cpu=$(sed -n 's/^WRKCPU //p' "$OUT/measure.txt")
awk -v b="$((bot_after - bot_before))" -v f="$((fake_after - fake_before))" -v w="$wrk_cpu" -v hz="$hz" -v s="$secs" \
    -v busy="$((busy_after - busy_before))" -v all="$((all_after - all_before))" -v cores="$cores" \
    -v r="$(field "$meas" requests)" 'BEGIN {
  used = cores * busy / all; other = used - b / hz / s - w / s - f / hz / s; if (other < 0) other = 0
  printf "cpu during the measured run (%.1f s, %d cores, %.0f%% busy): bot %.2f cores (%.2f ms per request), wrk %.2f, fake slack %.2f, other processes %.2f\n",
    s, cores, 100 * busy / all, b / hz / s, (r > 0 ? 1000 * b / hz / r : 0), w / s, f / hz / s, other }'
echo "warm-up: $(field "$warm" requests) requests; measured: $(field "$meas" requests) requests, with $ideas_before ideas stored before it;" \
     "acks saying 'Saved idea #': $saved of $acked; near-duplicate replies: $similar;" \
     "socket errors: $sockerr (connect/read/write/timeout $(sum connect)/$(sum read)/$(sum write)/$(sum timeout))"
echo "durability: $acked ideas acknowledged, $stored stored, acknowledged ids missing from the store: $missing"
grep -h '^STATUSES' "$OUT/warmup.txt" "$OUT/measure.txt" | sed 's/^STATUSES/non-2xx statuses:/' || true
problems=$(grep -cE '^(warn|fail|crit):' "$OUT/bot.log" || true)
[ "$problems" -eq 0 ] || echo "bot.log has $problems warn/fail/crit entries (see $OUT/bot.log)"
awk -v r="$(field "$meas" requests)" -v d="$(field "$meas" duration_us)" -v p50="$(field "$meas" p50_us)" \
    -v p99="$(field "$meas" p99_us)" -v z="$non2xx" -v a="$acked" -v s="$stored" 'BEGIN {
  printf "slack /idea: %.0f req/s, p50 %.2f ms, p99 %.2f ms, non-2xx %d, acked %d, stored %d\n", r / (d / 1e6), p50 / 1000, p99 / 1000, z, a, s }'

status=0
[ "$stored" -ge "$acked" ] && [ "$missing" -eq 0 ] || { log "DURABILITY FAILURE: $acked acknowledged, $stored stored, $missing acknowledged ids not in the store"; status=1; }
[ "$dup_acks" -eq 0 ] || { log "FAILURE: $dup_acks idea ids were acknowledged twice"; status=1; }
[ "$saved" -eq "$acked" ] || { log "FAILURE: $((acked - saved)) 2xx answers did not say 'Saved idea #'"; status=1; }
[ "$non2xx" -eq 0 ] || { log "FAILURE: $non2xx non-2xx answers"; status=1; }
[ "$sockerr" -eq 0 ] || { log "FAILURE: $sockerr socket errors (wrk counts a request slower than 2 s as a timeout)"; status=1; }
exit "$status"
