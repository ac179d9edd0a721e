#!/usr/bin/env bash
# The weekly fan-out at scale: MEMBERS members of one Slack team, prompted by 1 and then by 3 bot instances on one
# PostgreSQL database, against ImproveBot.Testing's fake Slack enforcing Slack's documented rate limits (tier 3
# conversations.open 50/min per workspace, chat.postMessage ~1/s per channel; see the fake's EnforceRateLimits).
# To finish in minutes rather than hours, every rate-limit window is divided by SCALE on both sides (the fake's
# budgets and the bot's own pacing, Slack:RateLimitScale), so SCALE=60 turns a minute's budget into a second's; the
# wall time is compared with the floor at the same scale, and the bot's sending rate with the rate the limits allow.
#
# Reports per run: wall time (prompt due -> last prompt posted), prompts posted, distinct members reached,
# duplicates (goal 0), HTTP 429s, and the floor the rate limits set: MEMBERS conversations.open calls at 50 per
# (60/SCALE) s, since every member's DM needs one and a fresh instance knows no DM channel yet.
#
# Usage: bash bench/fanout.sh        Knobs: MEMBERS=10000 SCALE=60 INSTANCES="1 3" SKIP_BUILD=1
# PostgreSQL: a throw-away server from .ci/postgres.sh. Everything listens on 127.0.0.1; every wait is bounded.
set -euo pipefail
cd "$(dirname "$0")/.."

MEMBERS=${MEMBERS:-10000}
SCALE=${SCALE:-60}
INSTANCES=${INSTANCES:-"1 3"}
OUT=bench/out
log() { echo "[fanout] $*" >&2; }
die() { log "error: $*"; exit 1; }
for tool in dotnet python3 curl; do command -v "$tool" >/dev/null 2>&1 || die "$tool is required"; done

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

# shellcheck source=../.ci/postgres.sh
source .ci/postgres.sh
tmp=$(mktemp -d)
pids=()
stop_all() {
  local pid
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do
    for _ in $(seq 1 150); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  pids=()
}
cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  stop_all
  pg_test_stop
  rm -rf "$tmp"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
pg_test_start

psql_admin() { # $1 = SQL, run as the admin role of the throw-away server
  local bin; bin=$(dirname "$(command -v pg_config 2>/dev/null || echo /usr/lib/postgresql/15/bin/pg_config)")
  [ -x "$bin/psql" ] || bin=$(ls -d /usr/lib/postgresql/*/bin | sort -t/ -k4 -n -r | head -n1)
  python3 - "$IMPROVEBOT_TEST_POSTGRES" "$1" "$bin/psql" <<'PY'
import os, subprocess, sys
cs = dict(p.split("=", 1) for p in sys.argv[1].split(";") if p)
env = dict(os.environ, PGPASSWORD=cs["Password"])
subprocess.run([sys.argv[3], "-h", cs["Host"], "-p", cs["Port"], "-U", cs["Username"], "-d", "postgres", "-qAtc", sys.argv[2]], check=True, env=env)
PY
}

floor_s=$(python3 -c "print(f'{$MEMBERS / 50 * 60 / $SCALE:.1f}')")
log "floor: $MEMBERS conversations.open at 50 per $(python3 -c "print(60/$SCALE)") s = ${floor_s} s (x$SCALE = $(python3 -c "print(f'{$MEMBERS/50:.0f}')") min at Slack's real limits)"
results=()

for n in $INSTANCES; do
  db="fanout_${n}_$$"
  psql_admin "CREATE DATABASE $db"
  conn="${IMPROVEBOT_TEST_POSTGRES};Database=$db"

  status="$tmp/status-$n"
  mkfifo "$tmp/fake-$n.in"
  dotnet "$OUT/fake/FakeSlackForBench.dll" --fanout --users "$MEMBERS" --enforce-limits "$SCALE" --status-file "$status" --seconds 3600 \
    <"$tmp/fake-$n.in" >"$tmp/fake-$n.out" 2>"$OUT/fake-$n.log" &
  pids+=($!)
  exec 3>"$tmp/fake-$n.in"
  ready_line=""
  for _ in $(seq 1 300); do
    ready_line=$(grep -m1 '^READY ' "$tmp/fake-$n.out" 2>/dev/null || true)
    [ -n "$ready_line" ] && break
    sleep 0.1
  done
  [ -n "$ready_line" ] || die "the fake Slack printed no READY line within 30 s"
  read -r _ api_base bot_token <<<"$ready_line"

  # The instances migrate the empty database themselves (taking turns) and are all ready before the prompt falls due.
  for i in $(seq 1 "$n"); do
    port=$((5400 + i))
    env -u Slack__AppToken -u ASPNETCORE_URLS \
      Database__Provider=Postgres ConnectionStrings__ImproveBot="$conn" \
      Slack__BotToken="$bot_token" Slack__SigningSecret=bench-signing-secret Slack__ApiBaseUrl="$api_base" \
      Slack__RateLimitScale="$SCALE" \
      Scheduling__SweepInterval=00:00:05 Scheduling__DispatchInterval=00:00:01 \
      Logging__LogLevel__Default=Warning \
      dotnet "$OUT/host/ImproveBot.Host.dll" --urls "http://127.0.0.1:$port" >"$OUT/bot-$n-$i.log" 2>&1 3>&- &
    pids+=($!)
  done
  for i in $(seq 1 "$n"); do
    port=$((5400 + i)); ok=""
    for _ in $(seq 1 900); do
      if curl -fs --noproxy '*' --max-time 2 -o /dev/null "http://127.0.0.1:$port/readyz"; then ok=1; break; fi
      sleep 0.1
    done
    [ -n "$ok" ] || { tail -n 40 "$OUT/bot-$n-$i.log" >&2; die "instance $i was not ready within 90 s"; }
  done
  log "$n instance(s) ready; seeding $MEMBERS members whose prompt fell due a minute ago"
  BENCH_CONNECTION="$conn" dotnet "$OUT/cluster/ClusterBench.dll" seed-fanout --provider Postgres --members "$MEMBERS" >/dev/null
  due_ms=$(python3 -c 'import time; print(int(time.time()*1000))')

  # Wait for every member to have a prompt (bounded by 20 floors, at least 10 minutes), then a little longer to see
  # any late duplicate.
  limit=$(python3 -c "print(max(600, int(20 * $floor_s)))")
  reached=0
  for _ in $(seq 1 $((limit * 5))); do
    reached=$(sed -n 's/.*users=\([0-9]*\).*/\1/p' "$status" 2>/dev/null || echo 0)
    [ "${reached:-0}" -ge "$MEMBERS" ] && break
    sleep 0.2
  done
  sleep 5
  line=$(cat "$status")
  prompts=$(sed -n 's/.*prompts=\([0-9]*\).*/\1/p' <<<"$line"); users=$(sed -n 's/.*users=\([0-9]*\).*/\1/p' <<<"$line")
  first=$(sed -n 's/.*first_ms=\([0-9]*\).*/\1/p' <<<"$line"); last=$(sed -n 's/.*last_ms=\([0-9]*\).*/\1/p' <<<"$line")
  limited=$(sed -n 's/.*ratelimited=\([0-9]*\).*/\1/p' <<<"$line")
  result=$(python3 - "$n" "$MEMBERS" "$prompts" "$users" "$due_ms" "$first" "$last" "$limited" "$floor_s" "$SCALE" <<'PY'
import sys
n, members, prompts, users, due, first, last, limited, floor, scale = sys.argv[1:]
n, members, prompts, users, limited, scale = int(n), int(members), int(prompts), int(users), int(limited), float(scale)
due, first, last, floor = int(due), int(first), int(last), float(floor)
wall = (last - due) / 1000 if last else float("nan")
send = (last - first) / 1000 if last else float("nan")
# The bot's own rate (messages per second while sending) against the rate the limits allow (50 per 60/scale s): at
# Slack's real limits (scale 1) the allowed rate is 0.83/s, so a bot that sends faster than that finishes at the floor.
rate = prompts / send if send > 0 else float("nan")
allowed = 50 * scale / 60
print(f"instances={n} members={members} prompts_posted={prompts} members_reached={users} duplicates={prompts - users} "
      f"http_429={limited} wall_due_to_last={wall:.1f}s first_to_last={send:.1f}s floor={floor:.1f}s wall/floor={wall / floor:.2f} "
      f"bot_rate={rate:.1f}/s allowed_rate={allowed:.1f}/s")
PY
)
  log "$result"
  results+=("$result")
  stop_all
  exec 3>&-
  psql_admin "DROP DATABASE IF EXISTS $db WITH (FORCE)"
done

echo "fan-out of $MEMBERS members, rate-limit windows divided by $SCALE (machine shared with other work):"
printf '  %s\n' "${results[@]}"
