#!/usr/bin/env bash
# Delivery under crashes and platform faults: the weekly fan-out to MEMBERS members of one Slack team, sent by the
# published bot on SQLite against ImproveBot.Testing's fake Slack (FakeSlackForBench), which enforces Slack's
# documented rate limits with every window divided by SCALE (as in bench/fanout.sh) and records every message with
# its outbox key (message metadata).
#
# MODE=crash (default): SIGKILLs the bot KILLS times at random moments during the fan-out (a random 0-3 s after each
#   life has posted its first prompt), restarting it on the same database each time, then lets the last one finish.
#   SLOW_POSTS (0.2) of the chat.postMessage calls are answered 300 ms after the post, so that many kills land
#   between Slack posting a prompt and the bot recording it (the faults run's "timeout_applied" kind, held briefly).
# MODE=faults (bench/fault-fanout.sh): no kills; one run per rate in RATES (default "0 0.2"), the fake failing that
#   share of Web API requests with every kind of fault (429 + Retry-After, 500/502/503, timeouts past the bot's
#   Slack:RequestTimeout, connection resets, half-written answers; some after the message was posted).
#
# Reports per run: members prompted exactly once / missed / duplicated (goal MEMBERS/0/0, counted per member's DM and
# checked per outbox key), chat.postMessage attempts per prompt (mean/max), faults injected, and the wall time from the
# end of seeding (the prompt is due; the bot then starts) to the last prompt posted. The fake's call counts per method
# (conversations.history = DM checks before a re-send) are logged.
#
# Usage: bash bench/crash-fanout.sh        Knobs: MEMBERS=2000 SCALE=30 KILLS=20 SLOW_POSTS=0.2 SKIP_BUILD=1 SEED=<n> OUT=bench/out
#        MODE=faults RATES="0 0.2" REQUEST_TIMEOUT=00:00:02 HOLD_MS=5000 bash bench/crash-fanout.sh
# Everything listens on 127.0.0.1; every wait is bounded.
set -euo pipefail
cd "$(dirname "$0")/.."

MODE=${MODE:-crash}
MEMBERS=${MEMBERS:-2000}
SCALE=${SCALE:-30}
KILLS=${KILLS:-20}
RATES=${RATES:-"0 0.2"}
SEED=${SEED:-$RANDOM}
REQUEST_TIMEOUT=${REQUEST_TIMEOUT:-00:00:02}
HOLD_MS=${HOLD_MS:-5000}
LEASE=${LEASE:-00:00:10}
PORT=${PORT:-5460}
SLOW_POSTS=${SLOW_POSTS:-0.2}
OUT=${OUT:-bench/out}
log() { echo "[$MODE-fanout] $*" >&2; }
die() { log "error: $*"; exit 1; }
for tool in dotnet python3 curl; do command -v "$tool" >/dev/null 2>&1 || die "$tool is required"; done
case "$MODE" in crash|faults) ;; *) die "MODE is crash or faults";; esac

mkdir -p "$OUT"
if [ "${SKIP_BUILD:-0}" != 1 ]; then
  log "publishing the host (Release, linux-x64, ReadyToRun), building the fake Slack and ClusterBench"
  dotnet publish src/ImproveBot.Host -c Release -r linux-x64 --self-contained false -o "$OUT/host" --nologo -v quiet >"$OUT/build.log" 2>&1 \
    || { cat "$OUT/build.log" >&2; die "publishing the host failed"; }
  dotnet build bench/FakeSlackForBench -c Release -o "$OUT/fake" --nologo -v quiet >>"$OUT/build.log" 2>&1 \
    || { cat "$OUT/build.log" >&2; die "building bench/FakeSlackForBench failed"; }
  dotnet build bench/ClusterBench -c Release -o "$OUT/cluster" --nologo -v quiet >>"$OUT/build.log" 2>&1 \
    || { cat "$OUT/build.log" >&2; die "building bench/ClusterBench failed"; }
fi

tmp=$(mktemp -d)
fake_pid=""
bot_pid=""
stop_pid() { # $1 = pid: SIGTERM, then SIGKILL after 15 s
  local pid=$1
  [ -n "$pid" ] || return 0
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 1 150); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}
cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  stop_pid "$bot_pid"
  [ -n "$fake_pid" ] && { exec 3>&- 2>/dev/null || true; stop_pid "$fake_pid"; }
  rm -rf "$tmp"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

start_fake() { # $1 = run name, $2 = fault rate, $3… = more fake options
  local name=$1 rate=$2
  shift 2
  status="$tmp/status-$name"
  rm -f "$tmp/fake-$name.in"; mkfifo "$tmp/fake-$name.in"
  dotnet "$OUT/fake/FakeSlackForBench.dll" --fanout --users "$MEMBERS" --enforce-limits "$SCALE" --status-file "$status" --seconds 3600 \
    --faults "$rate" --fault-seed "$SEED" --fault-retry-after-s 1 "$@" \
    <"$tmp/fake-$name.in" >"$tmp/fake-$name.out" 2>"$OUT/fake-$MODE-$name.log" &
  fake_pid=$!
  exec 3>"$tmp/fake-$name.in"
  local ready_line=""
  for _ in $(seq 1 300); do
    ready_line=$(grep -m1 '^READY ' "$tmp/fake-$name.out" 2>/dev/null || true)
    [ -n "$ready_line" ] && break
    sleep 0.1
  done
  [ -n "$ready_line" ] || die "the fake Slack printed no READY line within 30 s"
  read -r _ api_base bot_token <<<"$ready_line"
}

stop_fake() {
  exec 3>&-
  stop_pid "$fake_pid"
  fake_pid=""
}

start_bot() { # $1 = log name; sets bot_pid and waits for /readyz
  env -u Slack__AppToken -u ASPNETCORE_URLS \
    Database__Provider=Sqlite ConnectionStrings__ImproveBot="$conn" \
    Slack__BotToken="$bot_token" Slack__SigningSecret=bench-signing-secret Slack__ApiBaseUrl="$api_base" \
    Slack__RateLimitScale="$SCALE" Slack__RequestTimeout="$REQUEST_TIMEOUT" \
    Scheduling__SweepInterval=00:00:05 Scheduling__DispatchInterval=00:00:01 Scheduling__OutboxLease="$LEASE" \
    Logging__LogLevel__Default=Warning \
    dotnet "$OUT/host/ImproveBot.Host.dll" --urls "http://127.0.0.1:$PORT" >>"$OUT/bot-$MODE-$1.log" 2>&1 3>&- &
  bot_pid=$!
  for _ in $(seq 1 600); do
    if curl -fs --noproxy '*' --max-time 2 -o /dev/null "http://127.0.0.1:$PORT/readyz"; then return 0; fi
    kill -0 "$bot_pid" 2>/dev/null || break
    sleep 0.1
  done
  tail -n 40 "$OUT/bot-$MODE-$1.log" >&2
  die "the bot was not ready within 60 s"
}

field() { sed -n "s/.*\b$1=\([0-9.]*\).*/\1/p" "$status" 2>/dev/null || true; }

unsent() { # outbox rows not sent yet (pending, in flight or failed)
  python3 - "$db" <<'PY'
import sqlite3, sys
c = sqlite3.connect(f"file:{sys.argv[1]}?mode=ro", uri=True, timeout=5)
print(c.execute('SELECT count(*) FROM outbox WHERE "State" <> 2').fetchone()[0])
PY
}

seed_db() { # a fresh SQLite database with the team, its prompt due a minute ago
  db="$tmp/$1.db"
  conn="Data Source=$db"
  BENCH_CONNECTION="$conn" dotnet "$OUT/cluster/ClusterBench.dll" seed-fanout --provider Sqlite --members "$MEMBERS" >/dev/null
  due_ms=$(date +%s%3N)
}

wait_done() { # until every member has a prompt and the outbox is drained; bounded by LIMIT seconds
  local limit=$1 reached
  for _ in $(seq 1 $((limit * 2))); do
    reached=$(field users); reached=${reached:-0}
    if [ "$reached" -ge "$MEMBERS" ] && [ "$(unsent)" = 0 ]; then break; fi
    sleep 0.5
  done
  sleep 5 # a late duplicate would show now
}

report() { # $1 = run name, $2 = due ms, $3 = extra text
  local line; line=$(cat "$status")
  python3 - "$1" "$MEMBERS" "$2" "$line" "$3" <<'PY'
import re, sys
name, members, due, line, extra = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4], sys.argv[5]
f = dict(re.findall(r"(\w+)=([0-9.]+)", line))
last = int(f["last_ms"])
wall = (last - due) / 1000 if last else float("nan")
print(f"{name}: members={members} prompted_once={f['once']} missed={f['missed']} duplicated={f['duplicated']} "
      f"prompts_posted={f['prompts']} distinct_keys={f['keys']} post_attempts_per_prompt_mean={float(f['attempts_mean']):.2f} "
      f"max={f['attempts_max']} faults_injected={f['faults']} http_429={f['ratelimited']} seeded_to_last_prompt={wall:.1f}s {extra}".rstrip())
PY
}

results=()
if [ "$MODE" = crash ]; then
  # SLOW_POSTS of the chat.postMessage calls are carried out at once and answered 300 ms later (well within the bot's
  # timeout), so kills often land between Slack posting a prompt and the bot recording it.
  start_fake crash "$SLOW_POSTS" --fault-kinds timeout --fault-applied 1 --fault-hold-ms 300 --fault-methods chat.postMessage
  seed_db crash
  log "seeded $MEMBERS members (seed $SEED); killing the bot $KILLS times during the fan-out"
  kills=0
  for k in $(seq 1 "$KILLS"); do
    before=$(field prompts); before=${before:-0}
    start_bot crash
    # Killed while it sends: once this life has posted a prompt (the sweep may queue first), at a random moment
    # 0-3 s later. Without that wait a bot killed every few seconds can be killed before it ever sends.
    for _ in $(seq 1 600); do
      [ "$(field prompts)" -gt "$before" ] 2>/dev/null && break
      [ "$(field users)" -ge "$MEMBERS" ] 2>/dev/null && break
      sleep 0.1
    done
    sleep "$(python3 -c "import random; random.seed($SEED * 100 + $k); print(f'{random.uniform(0.0, 3.0):.2f}')")"
    reached=$(field users)
    if [ "${reached:-0}" -ge "$MEMBERS" ]; then log "every member reached after $kills kills; no more to kill"; break; fi
    kill -KILL "$bot_pid"; wait "$bot_pid" 2>/dev/null || true; bot_pid=""
    kills=$((kills + 1))
    log "kill $kills: $(field prompts) prompts posted so far"
  done
  start_bot crash
  wait_done 900
  stop_pid "$bot_pid"; bot_pid=""
  results+=("$(report crash "$due_ms" "sigkills=$kills lease=$LEASE slow_posts=$SLOW_POSTS")")
  stop_fake
  log "fake: $(grep -o 'calls answered.*' "$OUT/fake-$MODE-crash.log" || true)"
  log "$(grep -o 'faults injected.*' "$OUT/fake-$MODE-crash.log" || echo 'no slow posts')"
else
  for rate in $RATES; do
    name="rate-$rate"
    start_fake "$name" "$rate" --fault-hold-ms "$HOLD_MS"
    seed_db "$name"
    log "seeded $MEMBERS members; fault rate $rate (seed $SEED)"
    start_bot "$name"
    wait_done 1800
    stop_pid "$bot_pid"; bot_pid=""
    stop_fake
    results+=("$(report "$name" "$due_ms" "request_timeout=$REQUEST_TIMEOUT")")
    log "${results[-1]}"
    log "fake: $(grep -o 'calls answered.*' "$OUT/fake-$MODE-$name.log" || true)"
    log "$(grep -o 'faults injected.*' "$OUT/fake-$MODE-$name.log" || echo 'no faults injected')"
  done
fi

echo "fan-out of $MEMBERS members on SQLite, rate-limit windows divided by $SCALE, mode $MODE (machine shared with other work):"
printf '  %s\n' "${results[@]}"
