# Shared by bench/slack-load.sh and bench/discord-load.sh; sourced, not run. The tools they need, the fake platform
# and the bot as processes that start within a bound and stop cleanly, and the counters both report from.
# Expects BENCH (the prefix of log lines) and OUT (where the files go); the process functions use tmp, and set
# fake_pid, ready_line and bot_pid. Everything waits a bounded time and talks to 127.0.0.1 only.

log() { echo "[$BENCH] $*" >&2; }
die() { log "error: $*"; exit 1; }

# ---- tools -------------------------------------------------------------------------------------------------------
ensure_wrk() { # from Debian, when it is missing
  command -v wrk >/dev/null 2>&1 && return 0
  log "wrk is missing; installing it with apt-get"
  local sudo_cmd=""; [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
  # A fresh machine may have no package lists yet: update once and try again.
  $sudo_cmd apt-get install -y wrk >&2 || { $sudo_cmd apt-get update >&2 && $sudo_cmd apt-get install -y wrk >&2; } \
    || die "could not install wrk (apt-get install -y wrk)"
}

check_prerequisites() { # $1 = the bot's URL, $2 = its port: the tools both scripts use, and nothing listening there
  local tool
  for tool in dotnet python3 curl; do command -v "$tool" >/dev/null 2>&1 || die "$tool is required"; done
  if curl -s --noproxy '*' --max-time 1 -o /dev/null "$1/healthz"; then
    die "something already listens on 127.0.0.1:$2; stop it or set PORT"
  fi
}

# The host published as the Dockerfile does it, and the fake platform, into $OUT/host and $OUT/fake; with SKIP_BUILD=1
# the ones from an earlier run. $1 = the fake's project directory (bench/Fake…ForBench), $2 = its name in messages.
build_host_and_fake() {
  local project=$1 name=$2
  mkdir -p "$OUT"
  if [ "${SKIP_BUILD:-0}" != 1 ]; then
    log "publishing the host (Release, linux-x64, ReadyToRun) and building $name"
    dotnet publish src/ImproveBot.Host -c Release -r linux-x64 --self-contained false -o "$OUT/host" --nologo -v quiet >"$OUT/build.log" 2>&1 \
      || { cat "$OUT/build.log" >&2; die "publishing the host failed"; }
    dotnet build "$project" -c Release -o "$OUT/fake" --nologo -v quiet >>"$OUT/build.log" 2>&1 \
      || { cat "$OUT/build.log" >&2; die "building $project failed"; }
  fi
  [ -f "$OUT/host/ImproveBot.Host.dll" ] && [ -f "$OUT/fake/$(basename "$project").dll" ] || die "no build in $OUT (run without SKIP_BUILD)"
}

# ---- processes ---------------------------------------------------------------------------------------------------
stop_pid() { # $1 = pid; SIGTERM, at most 15 s, then SIGKILL
  local pid=$1 i
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 0
  kill -TERM "$pid" 2>/dev/null || true
  for i in $(seq 1 150); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -0 "$pid" 2>/dev/null && { log "pid $pid did not stop within 15 s; killing it"; kill -KILL "$pid" 2>/dev/null || true; }
  wait "$pid" 2>/dev/null || true
}

# The fake platform runs until its stdin (a FIFO held open on fd 3) closes, and never longer than 10 minutes; it prints
# a READY line once it listens, and takes commands on that stdin. $1 = its dll, $2 = its name in messages, then its
# arguments. Sets fake_pid and ready_line (at most 30 s).
start_fake() {
  local dll=$1 name=$2; shift 2
  mkfifo "$tmp/fake.in"
  dotnet "$dll" "$@" --seconds 600 <"$tmp/fake.in" >"$tmp/fake.out" 2>"$OUT/fake.log" &
  fake_pid=$!
  exec 3>"$tmp/fake.in"
  ready_line=""
  for _ in $(seq 1 300); do
    ready_line=$(grep -m1 '^READY ' "$tmp/fake.out" 2>/dev/null || true)
    [ -n "$ready_line" ] && return 0
    kill -0 "$fake_pid" 2>/dev/null || { cat "$OUT/fake.log" >&2; die "$name exited before it was ready"; }
    sleep 0.1
  done
  die "$name printed no READY line within 30 s"
}

stop_fake() { # EOF on its stdin stops it by itself; after 5 s it is stopped
  exec 3>&-
  [ -n "$fake_pid" ] || return 0
  for _ in $(seq 1 50); do kill -0 "$fake_pid" 2>/dev/null || break; sleep 0.1; done
  stop_pid "$fake_pid"
}

wait_for_bot() { # $1 = the bot's URL: until it answers /readyz (at most 60 s), or bot_pid exits
  local ready=""
  for _ in $(seq 1 600); do
    if curl -fs --noproxy '*' --max-time 2 -o /dev/null "$1/readyz"; then ready=1; break; fi
    kill -0 "$bot_pid" 2>/dev/null || { tail -n 40 "$OUT/bot.log" >&2; die "the bot exited before it was ready"; }
    sleep 0.1
  done
  [ -n "$ready" ] || { tail -n 40 "$OUT/bot.log" >&2; die "the bot was not ready within 60 s"; }
  log "bot ready on $1 (pid $bot_pid)"
}

# ---- counters ----------------------------------------------------------------------------------------------------
field() { sed -n "s/.*\b$2=\([0-9]*\).*/\1/p" <<<"$1"; }   # field <RESULT line> <name>
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }  # user + system, in clock ticks
busy_ticks() { awk '/^cpu / {print $2 + $3 + $4 + $7 + $8 + $9, $2 + $3 + $4 + $5 + $6 + $7 + $8 + $9}' /proc/stat; }
busy_percent() { # machine-wide busy share over $1 seconds
  local b0 a0 b1 a1
  read -r b0 a0 <<<"$(busy_ticks)"; sleep "$1"; read -r b1 a1 <<<"$(busy_ticks)"
  echo $(( 100 * (b1 - b0) / (a1 - a0 > 0 ? a1 - a0 : 1) ))
}

# This machine is shared: a build or test run beside the benchmark takes CPU from it. Waits (at most QUIET_WAIT
# seconds, 60) until the machine is at most 20 % busy.
wait_for_quiet() {
  local quiet_wait=${QUIET_WAIT:-60} idle_busy waited=0
  idle_busy=$(busy_percent 2)
  while [ "$idle_busy" -gt 20 ] && [ "$waited" -lt "$quiet_wait" ]; do
    log "the machine is ${idle_busy}% busy before the run (other processes); waiting for quiet (at most ${quiet_wait} s)"
    sleep 3; waited=$((waited + 5)); idle_busy=$(busy_percent 2)
  done
  log "machine ${idle_busy}% busy before the run"
}

# Runs the load generator (bounded by timeout) with its output in $1 and the acknowledged idea ids going to $2 (x.ids;
# near-duplicate answers to x.similar, where the generator writes them), then the command. Its CPU time, from
# getrusage, ends the output as "WRKCPU <seconds>".
run_wrk() {
  local file=$1 ids=$2; shift 2
  IDS_FILE=$ids SIMILAR_FILE=${ids%.ids}.similar timeout 120 python3 -c '
import resource, subprocess, sys
rc = subprocess.call(sys.argv[1:])
r = resource.getrusage(resource.RUSAGE_CHILDREN)
print(f"WRKCPU {r.ru_utime + r.ru_stime:.2f}")
sys.exit(rc)' "$@" >"$file" 2>&1 3>&- || { cat "$file" >&2; die "the load generator failed"; }
}

count_ideas() { # $1 = the SQLite file
  python3 -c 'import sqlite3, sys; print(sqlite3.connect(sys.argv[1], timeout=10).execute("select count(*) from ideas").fetchone()[0])' "$1"
}

# Prints "<ideas stored> <acknowledged ids not stored> <ids acknowledged twice>". $1 = the SQLite file, then the id files.
# Counted while the bot still runs, right after the last ack: an idea written after its ack could still be missing.
check_durability() {
  python3 - "$@" <<'PY'
import sqlite3, sys
con = sqlite3.connect(sys.argv[1], timeout=10)
stored = {row[0] for row in con.execute("select Id from ideas")}
con.close()
acked = [int(line) for path in sys.argv[2:] for line in open(path) if line.strip()]
print(len(stored), len(set(acked) - stored), len(acked) - len(set(acked)))
PY
}
