#!/usr/bin/env bash
# Load on the Discord interactions path: Ed25519-signed `/idea` application commands over loopback to the published
# bot (POST /discord/interactions, SQLite), with ImproveBot.Testing's FakeDiscordServer as Discord's REST API (the bot
# asks it GET /guilds/{id} once). Reports throughput and p50/p99 latency as wrk sees them, checks that every
# acknowledged idea is in the database (ideas stored >= 2xx answers), and measures what Ed25519 verification costs
# (NSec, one thread) against the bot's CPU per request. See bench/README.md.
#
# Usage: bash bench/discord-load.sh                # closed loop (wrk): as fast as 32 connections go
#        RATE=5000 bash bench/discord-load.sh      # open loop (bench/OpenLoad): 5,000 interactions/s on schedule
#        GENERATOR=openload bash bench/discord-load.sh  # closed loop as wrk's, from bench/OpenLoad (C, less CPU)
#   Knobs (environment): DURATION=10s WARMUP=3s THREADS=2 CONNECTIONS=32 (64 with RATE) IDEAS=120000 USERS=50 PORT=5310
#                        GENERATOR=wrk (the closed loop's client: wrk, or openload)
#                        RATE= (interactions per second; set: the open-loop generator, latency counted from each
#                        request's scheduled time, so a stall also counts for the requests it held back)
#                        QUIET_WAIT=60 VERIFICATIONS=50000 (0: no Ed25519 micro-benchmark) PERF=1 (perf profile)
#                        SKIP_BUILD=1 (reuse bench/out/discord/host and bench/out/discord/fake from an earlier run)
# Exit status: 0 when every acknowledged idea id is in the store, every answer was 2xx and saved an idea (a type 4
# message; a deferral does not count), wrk saw no socket error or timeout (> 3 s, Discord's deadline for the first
# answer), and no request was sent twice; 1 otherwise.
# Everything listens on and talks to 127.0.0.1 only; every wait is bounded.
set -euo pipefail
cd "$(dirname "$0")/.."

DURATION=${DURATION:-10s}
WARMUP=${WARMUP:-3s}
THREADS=${THREADS:-2}
RATE=${RATE:-}
GENERATOR=${GENERATOR:-wrk}
CONNECTIONS=${CONNECTIONS:-$([ -n "$RATE" ] && echo 64 || echo 32)}
IDEAS=${IDEAS:-120000} # pre-signed interactions, each sent once (ids and tokens distinct; texts repeat after 9,600); at most
                       # 200,000 (the script holds them in chunks of 20,000: LuaJIT allows 65,536 constants per function).
                       # A larger pool raises wrk's own p99 (200,000: by 2.5-5 ms; bench/README, "Twelfth session").
USERS=${USERS:-50}
PORT=${PORT:-5310}
VERIFICATIONS=${VERIFICATIONS:-50000}
PERF=${PERF:-0}
OUT=bench/out/discord
URL="http://127.0.0.1:$PORT"

BENCH=discord-load
# shellcheck source=bench/lib.sh
source bench/lib.sh

# ---- tools ---------------------------------------------------------------------------------------------------
secs_of() { sed 's/s$//' <<<"$1"; }   # "10s" -> 10
[ "$GENERATOR" = wrk ] || [ "$GENERATOR" = openload ] || die "GENERATOR is wrk or openload"
# openload sends the open loop (RATE) and, with GENERATOR=openload, the closed loop too; wrk only the closed loop.
generator=$GENERATOR; [ -z "$RATE" ] || generator=openload
if [ "$generator" = openload ]; then
  [[ "$(secs_of "$DURATION")$(secs_of "$WARMUP")" =~ ^[0-9]+$ ]] || die "with openload, DURATION and WARMUP are whole seconds (10s)"
  command -v gcc >/dev/null 2>&1 || die "openload needs gcc (to build bench/OpenLoad/openload.c)"
fi
if [ -n "$RATE" ]; then
  [[ "$RATE" =~ ^[0-9]+$ ]] && [ "$RATE" -gt 0 ] || die "RATE is a whole number of interactions per second"
  [ $((RATE * ($(secs_of "$DURATION") + $(secs_of "$WARMUP")))) -le "$IDEAS" ] || die "RATE x (WARMUP + DURATION) is more than IDEAS ($IDEAS)"
fi
[ "$generator" != wrk ] || ensure_wrk
[ "$PERF" != 1 ] || command -v perf >/dev/null 2>&1 || die "PERF=1 needs perf"
check_prerequisites "$URL" "$PORT"

# ---- build -----------------------------------------------------------------------------------------------------
build_host_and_fake bench/FakeDiscordForBench "the fake Discord"
if [ "$generator" = openload ]; then   # small enough to build every time
  gcc -O2 -Wall -Wextra -Werror -o "$OUT/openload" bench/OpenLoad/openload.c 2>>"$OUT/build.log" \
    || { tail -n 20 "$OUT/build.log" >&2; die "building bench/OpenLoad/openload.c failed"; }
fi

# ---- processes, and their clean-up -----------------------------------------------------------------------------
tmp=$(mktemp -d)
bot_pid=""; fake_pid=""; perf_pid=""
cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  stop_pid "$perf_pid"
  stop_pid "$bot_pid"
  # The bot's perf maps (PERF=1), in /tmp under its pid: ours to remove.
  [ "$PERF" != 1 ] || [ -z "$bot_pid" ] || rm -f "/tmp/perf-$bot_pid.map" "/tmp/perfinfo-$bot_pid.map"
  stop_fake
  rm -rf "$tmp"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# The fake takes commands on its stdin: "raw <path> <count>" writes the signed requests (it holds the application's
# private key), "stats" prints what the bot asked of it.
start_fake "$OUT/fake/FakeDiscordForBench.dll" "the fake Discord" --users "$USERS"
read -r _ api_base bot_token app_id public_key guild_id <<<"$ready_line"
[ -n "$guild_id" ] || die "unexpected READY line from the fake Discord"
log "fake Discord ready: $api_base (server $guild_id)"

db="$tmp/bench.db"
perf_env=()   # with PERF=1: symbols for JIT-compiled code in the profile (a perf map in /tmp)
[ "$PERF" != 1 ] || perf_env=(DOTNET_PerfMapEnabled=1 DOTNET_EnableWriteXorExecute=0)
# Discord only: no Slack credentials from the caller's environment, no Gateway (interactions come over HTTP).
env -u Slack__BotToken -u Slack__AppToken -u Slack__SigningSecret -u Discord__UseGateway -u Discord__AdminUserIds -u ASPNETCORE_URLS \
  ConnectionStrings__ImproveBot="Data Source=$db" \
  Database__Provider=Sqlite \
  Discord__BotToken="$bot_token" \
  Discord__ApplicationId="$app_id" \
  Discord__PublicKey="$public_key" \
  Discord__ApiBaseUrl="$api_base" \
  Scheduling__Enabled=false \
  Logging__LogLevel__Default=Warning \
  "${perf_env[@]}" \
  dotnet "$OUT/host/ImproveBot.Host.dll" --urls "$URL" >"$OUT/bot.log" 2>&1 3>&- &
bot_pid=$!
wait_for_bot "$URL"

# ---- warm-up, then the measured run ------------------------------------------------------------------------------
wait_for_quiet

# ---- the requests: distinct /idea interactions, signed now (valid 5 minutes), as whole HTTP requests --------------
# Written by the fake, which holds the application's private key (Python has no Ed25519 in its standard library).
# Written after the quiet wait, so the timestamp is fresh when the requests are sent. wrk reads them through
# bench/discord-wrk.lua, bench/OpenLoad directly.
requests_file=$OUT/idea.raw
rm -f "$requests_file"
echo "raw $requests_file $IDEAS" >&3
raw_line=""
for _ in $(seq 1 600); do   # at most 60 s
  raw_line=$(grep -m1 -E '^(RAW|ERROR) ' "$tmp/fake.out" 2>/dev/null || true)
  [ -n "$raw_line" ] && break
  kill -0 "$fake_pid" 2>/dev/null || { cat "$OUT/fake.log" >&2; die "the fake Discord exited while writing the requests"; }
  sleep 0.1
done
case "$raw_line" in
  "RAW $IDEAS "*) log "$IDEAS signed /idea interactions in $requests_file" ;;
  "") die "the fake Discord wrote no requests within 60 s" ;;
  *) die "the fake Discord could not write the requests: $raw_line (IDEAS is 1..200000)" ;;
esac

# The load: wrk or bench/OpenLoad (closed loop), or with RATE bench/OpenLoad (open loop). $1 = duration, $2 = offset
# into the requests.
load_command() {
  if [ -n "$RATE" ]; then
    echo "$OUT/openload" -p "$PORT" -r "$RATE" -d "$(secs_of "$1")" -c "$CONNECTIONS" -f "$requests_file" -o "$2" -t 3
  elif [ "$generator" = openload ]; then
    echo "$OUT/openload" -p "$PORT" -C -d "$(secs_of "$1")" -c "$CONNECTIONS" -f "$requests_file" -o "$2" -t 3
  else
    echo wrk -t"$THREADS" -c"$CONNECTIONS" -d"$1" --timeout 3s --latency -s bench/discord-wrk.lua "$URL/discord/interactions" -- "$requests_file" "$2" "$THREADS"
  fi
}
shape="$THREADS threads, $CONNECTIONS connections"; [ "$generator" = wrk ] || shape="openload, $CONNECTIONS connections"
[ -z "$RATE" ] || shape="$RATE interactions/s on schedule, up to $CONNECTIONS connections"
log "warm-up: $WARMUP, $shape"
# shellcheck disable=SC2046  # load_command's words are paths and numbers, without spaces
run_wrk "$OUT/warmup.txt" "$OUT/warmup.ids" $(load_command "$WARMUP" 0)
warm=$(grep '^RESULT ' "$OUT/warmup.txt") || { cat "$OUT/warmup.txt" >&2; die "no RESULT from the warm-up"; }
[ "$(field "$warm" ok)" -gt 0 ] || { grep '^STATUSES' "$OUT/warmup.txt" >&2 || true; tail -n 20 "$OUT/bot.log" >&2; die "the warm-up got no 2xx answer"; }
sleep 1   # let the warm-up's last requests (in flight when wrk stopped) finish
ideas_before=$(count_ideas "$db")

log "measuring: $DURATION, $shape ($ideas_before ideas stored so far)"
# Each wrk thread reads its share of the requests (~0.15 s) before it connects, one thread after another. The CPU
# window opens once all connections to the bot are up, so that time is counted neither as the bot's idle time nor as
# wrk's load; it closes when wrk exits (just after its last answer).
wrk_sending() { # $1 = the wrk job; prints wrk's pid (when ss shows it) once its connections are open; at most 30 s
  local out i
  for i in $(seq 1 600); do
    out=$(ss -Htnp state established "( dport = :$PORT )" 2>/dev/null || true)
    if [ "$(grep -c . <<<"$out" || true)" -ge "$CONNECTIONS" ]; then
      sed -n "s/.*\"$generator\",pid=\([0-9]*\).*/\1/p" <<<"$out" | head -n1; return 0
    fi
    kill -0 "$1" 2>/dev/null || return 0
    sleep 0.05
  done
  log "wrk did not open its $CONNECTIONS connections within 30 s; the CPU window includes its start"
}
# shellcheck disable=SC2046
run_wrk "$OUT/measure.txt" "$OUT/measure.ids" $(load_command "$DURATION" "$(field "$warm" next)") &
wrk_job=$!
wrk_pid=$(wrk_sending "$wrk_job")
if [ "$PERF" = 1 ]; then
  # Samples of the bot only, for the length of the measured run (bounded: perf stops after it, timeout after that).
  rm -f "$OUT/perf.data"
  timeout 120 perf record -F 999 -g -p "$bot_pid" -o "$OUT/perf.data" -- sleep "$DURATION" >"$OUT/perf.log" 2>&1 3>&- &
  perf_pid=$!
fi
t_before=$(date +%s%N); bot_before=$(cpu_ticks "$bot_pid"); fake_before=$(cpu_ticks "$fake_pid"); read -r busy_before all_before <<<"$(busy_ticks)"
wrk_before=0; [ -n "$wrk_pid" ] && wrk_before=$(cpu_ticks "$wrk_pid" 2>/dev/null || echo 0)
wait "$wrk_job" || die "$generator failed (see $OUT/measure.txt)"
t_after=$(date +%s%N); bot_after=$(cpu_ticks "$bot_pid"); fake_after=$(cpu_ticks "$fake_pid"); read -r busy_after all_after <<<"$(busy_ticks)"
meas=$(grep '^RESULT ' "$OUT/measure.txt") || { cat "$OUT/measure.txt" >&2; die "no RESULT from the measured run"; }
if [ -n "$perf_pid" ]; then wait "$perf_pid" 2>/dev/null || log "perf record failed (see $OUT/perf.log)"; perf_pid=""; fi

# ---- durability: every acknowledged idea is in the store (the bot is still running) ------------------------------
read -r stored missing dup_acks <<<"$(check_durability "$db" "$OUT/warmup.ids" "$OUT/measure.ids")"

# What the bot asked of Discord's REST API, and the deferred answers it completed (a deferral's webhook edit follows
# right after the response, so give them a moment).
sleep 1
echo "stats" >&3
stats_line=""
for _ in $(seq 1 100); do   # at most 10 s
  stats_line=$(grep -m1 '^STATS ' "$tmp/fake.out" 2>/dev/null || true)
  [ -n "$stats_line" ] && break
  sleep 0.1
done

# ---- report ---------------------------------------------------------------------------------------------------------
sum() { echo $(( $(field "$warm" "$1") + $(field "$meas" "$1") )); }
acked=$(sum ok); non2xx=$(sum non2xx); saved=$(sum saved); similar=$(sum similar); deferred=$(sum deferred); replayed=$(sum replayed)
sent_total=$(field "$meas" next)   # how far into the pool wrk got (warm-up and measured run, in flight included)
bot_ms_per_request=$(awk -v b="$((bot_after - bot_before))" -v hz="$(getconf CLK_TCK)" -v r="$(field "$meas" requests)" \
  'BEGIN {printf "%.3f", (r > 0 ? 1000 * b / hz / r : 0)}')
sockerr=$(( $(sum connect) + $(sum read) + $(sum write) + $(sum timeout) ))
hz=$(getconf CLK_TCK); cores=$(nproc)
secs=$(awk -v a="$t_before" -v b="$t_after" 'BEGIN {print (b - a) / 1e9}')
# wrk's CPU inside the window: its total (getrusage) less what it had used when the window opened (loading the script).
wrk_cpu=$(awk -v t="$(sed -n 's/^WRKCPU //p' "$OUT/measure.txt")" -v w="$wrk_before" -v hz="$hz" 'BEGIN {c = t - w / hz; print (c > 0 ? c : 0)}')
awk -v b="$((bot_after - bot_before))" -v f="$((fake_after - fake_before))" -v w="$wrk_cpu" -v hz="$hz" -v s="$secs" \
    -v busy="$((busy_after - busy_before))" -v all="$((all_after - all_before))" -v cores="$cores" \
    -v r="$(field "$meas" requests)" 'BEGIN {
  used = cores * busy / all; other = used - b / hz / s - w / s - f / hz / s; if (other < 0) other = 0
  printf "cpu during the measured run (%.1f s, %d cores, %.0f%% busy): bot %.2f cores (%.2f ms per request), '"$generator"' %.2f, fake discord %.2f, other processes %.2f\n",
    s, cores, 100 * busy / all, b / hz / s, (r > 0 ? 1000 * b / hz / r : 0), w / s, f / hz / s, other }'
echo "warm-up: $(field "$warm" requests) requests; measured: $(field "$meas" requests) requests, with $ideas_before ideas stored before it;" \
     "acks saying 'Saved idea #': $saved of $acked; near-duplicate replies: $similar; deferred (type 5): $deferred;" \
     "'Already done' replies: $replayed;" \
     "socket errors: $sockerr (connect/read/write/timeout $(sum connect)/$(sum read)/$(sum write)/$(sum timeout))"
echo "durability: $acked ideas acknowledged, $stored stored, acknowledged ids missing from the store: $missing"
[ -z "$stats_line" ] || echo "fake discord: ${stats_line#STATS }"
[ "$similar" -eq 0 ] || echo "near-duplicate answers (the first of each run) in $OUT/warmup.similar and $OUT/measure.similar"
grep -h '^STATUSES' "$OUT/warmup.txt" "$OUT/measure.txt" | sed 's/^STATUSES/non-2xx statuses:/' || true
problems=$(grep -cE '^(warn|fail|crit):' "$OUT/bot.log" || true)
[ "$problems" -eq 0 ] || echo "bot.log has $problems warn/fail/crit entries (see $OUT/bot.log)"
[ "$sent_total" -le "$IDEAS" ] || echo "the pool of $IDEAS interactions wrapped round (wrk got to $sent_total): raise IDEAS or shorten the runs"

# ---- Ed25519's share -------------------------------------------------------------------------------------------------
if [ "$PERF" = 1 ] && [ -s "$OUT/perf.data" ]; then
  # Self samples by shared object: libsodium is only used for the signature check (NSec's Ed25519 Verify).
  timeout 120 perf report -i "$OUT/perf.data" --no-children --sort dso --stdio -g none >"$OUT/perf-dso.txt" 2>/dev/null || true
  timeout 120 perf report -i "$OUT/perf.data" --no-children --sort dso,sym --stdio -g none --percent-limit 0.5 >"$OUT/perf-sym.txt" 2>/dev/null || true
  # Inclusive shares (a method with everything it calls), to see which stage of the request the time belongs to.
  timeout 120 perf report -i "$OUT/perf.data" --children --sort sym --stdio -g none --percent-limit 0.3 >"$OUT/perf-inclusive.txt" 2>/dev/null || true
  sodium=$(awk '$2 ~ /libsodium/ {gsub("%", "", $1); s += $1} END {printf "%.1f", s}' "$OUT/perf-dso.txt")
  samples=$(sed -n 's/^# Samples: \([0-9a-zA-Z]*\).*/\1/p' "$OUT/perf-dso.txt" | head -n1)
  echo "perf: ${sodium}% of the bot's ${samples:-?} samples in libsodium (Ed25519 verify); by shared object in $OUT/perf-dso.txt, by symbol in $OUT/perf-sym.txt, inclusive in $OUT/perf-inclusive.txt"
fi
if [ "$VERIFICATIONS" -gt 0 ]; then
  # One thread, the same bodies, the bot idle beside it: what one verification costs on this machine now.
  verify=$(timeout 300 dotnet "$OUT/fake/FakeDiscordForBench.dll" --verify-bench --verifications "$VERIFICATIONS" 2>>"$OUT/fake.log" 3>&- \
    | grep '^VERIFY ') || verify=""
  if [ -n "$verify" ]; then
    awk -v m="$bot_ms_per_request" -v line="$verify" 'BEGIN {
      n = split(line, f, /[ =]/); for (i = 2; i < n; i += 2) x[f[i]] = f[i + 1]
      printf "ed25519 (NSec, one thread, %d checks of %d-byte bodies, CPU time): %.1f us per Verify, %.1f us for the bot'"'"'s whole check (wall %.1f us); HMAC-SHA256 of the same bytes %.1f us; the check is %.1f%% of the bot'"'"'s %.2f ms CPU per request\n",
        x["verifications"], x["body_bytes"], x["verify_us"], x["check_us"], x["check_wall_us"], x["hmac_us"], (m > 0 ? 100 * x["check_us"] / 1000 / m : 0), m }'
  else
    log "the Ed25519 micro-benchmark failed (see $OUT/fake.log)"
  fi
fi

if [ -n "$RATE" ]; then
  # Latency from each request's scheduled time. late: how long after that the generator sent it (a free connection
  # waiting, the generator not getting the CPU); queue: the most requests ever due with every connection busy.
  awk -v rate="$RATE" -v r="$(field "$meas" requests)" -v span="$(field "$meas" span_us)" -v p50="$(field "$meas" p50_us)" \
      -v p90="$(field "$meas" p90_us)" -v p99="$(field "$meas" p99_us)" -v p999="$(field "$meas" p999_us)" \
      -v max="$(field "$meas" max_us)" -v late="$(field "$meas" late_p99_us)" -v q="$(field "$meas" queue_max)" \
      -v z="$non2xx" -v a="$acked" -v s="$stored" 'BEGIN {
    printf "discord /idea, open loop at %d/s: %d answered in %.1f s, p50 %.2f ms, p90 %.2f ms, p99 %.2f ms, p99.9 %.2f ms, max %.2f ms; sent late p99 %.2f ms, most waiting for a connection %d; non-2xx %d, acked %d, stored %d\n",
      rate, r, span / 1e6, p50 / 1000, p90 / 1000, p99 / 1000, p999 / 1000, max / 1000, late / 1000, q, z, a, s }'
else
  # p50 and p99 with wrk's correction for coordinated omission, from either client; openload also gives them as measured.
  awk -v r="$(field "$meas" requests)" -v d="$(field "$meas" duration_us)" -v p50="$(field "$meas" p50_us)" \
      -v p99="$(field "$meas" p99_us)" -v z="$non2xx" -v a="$acked" -v s="$stored" -v g="$generator" \
      -v raw50="$(field "$meas" raw_p50_us)" -v raw99="$(field "$meas" raw_p99_us)" 'BEGIN {
    printf "discord /idea: %.0f req/s, p50 %.2f ms, p99 %.2f ms, non-2xx %d, acked %d, stored %d", r / (d / 1e6), p50 / 1000, p99 / 1000, z, a, s
    if (g == "openload") printf " (openload; uncorrected p50 %.2f ms, p99 %.2f ms)", raw50 / 1000, raw99 / 1000
    printf "\n" }'
fi

status=0
[ "$stored" -ge "$acked" ] && [ "$missing" -eq 0 ] || { log "DURABILITY FAILURE: $acked acknowledged, $stored stored, $missing acknowledged ids not in the store"; status=1; }
[ "$dup_acks" -eq 0 ] || { log "FAILURE: $dup_acks idea ids were acknowledged twice"; status=1; }
[ "$saved" -eq "$acked" ] || { log "FAILURE: $((acked - saved)) 2xx answers did not say 'Saved idea #' ($deferred deferred, $replayed 'Already done')"; status=1; }
[ "$sent_total" -le "$IDEAS" ] || { log "FAILURE: the pool of $IDEAS interactions wrapped round; raise IDEAS"; status=1; }
# openload's closed loop stops at the end of the pool instead of wrapping round: reaching it means the run was cut short.
[ "$generator" = wrk ] || [ -n "$RATE" ] || [ "$sent_total" -lt "$IDEAS" ] \
  || { log "FAILURE: openload used up all $IDEAS interactions before the run's end; raise IDEAS"; status=1; }
[ "$non2xx" -eq 0 ] || { log "FAILURE: $non2xx non-2xx answers"; status=1; }
[ "$sockerr" -eq 0 ] || { log "FAILURE: $sockerr socket errors (wrk counts a request slower than 3 s as a timeout)"; status=1; }
exit "$status"
