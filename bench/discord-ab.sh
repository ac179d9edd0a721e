#!/usr/bin/env bash
# Paired comparison of two Discord bot builds or settings (A and B) on this noisy machine: both bots run side by side
# against one fake Discord, each with its own database, and take turns under the same open-loop load in short
# bursts (A B, B A, A B, ...). Only one bot is loaded at a time, so they never compete for the CPU, and the host's
# drift (it changes speed over minutes, by up to a quarter) falls on both alike. Prints one line per burst and the
# medians; a change is real when B's cost per interaction is below A's in most pairs, not in one run.
#
#   bash bench/discord-ab.sh                                  # A = B = the published host: how far apart two equals land
#   B_HOST=bench/out/hostB bash bench/discord-ab.sh           # two builds (directories holding ImproveBot.Host.dll)
#   B_ENV="DOTNET_TieredPGO=0" bash bench/discord-ab.sh       # one build, two runtime settings
#
# Knobs: A_HOST, B_HOST (bench/out/discord/host), A_ENV, B_ENV (extra environment, space-separated NAME=value),
# RATE (4500 interactions/s), BURST (4 s), ROUNDS (8 pairs), WARMUP (5 s), CONNECTIONS (64), USERS (50).
# The builds come from `bash bench/discord-load.sh` (bench/out/discord/host, fake and openload); run it once first.
set -euo pipefail
cd "$(dirname "$0")/.."

OUT=bench/out/discord
A_HOST=${A_HOST:-$OUT/host}; B_HOST=${B_HOST:-$OUT/host}
A_ENV=${A_ENV:-}; B_ENV=${B_ENV:-}
RATE=${RATE:-4500}; BURST=${BURST:-4}; ROUNDS=${ROUNDS:-8}; WARMUP=${WARMUP:-5}
CONNECTIONS=${CONNECTIONS:-64}; USERS=${USERS:-50}
A_PORT=5321; B_PORT=5322

log() { echo "[discord-ab] $*" >&2; }
die() { log "FAILURE: $*"; exit 1; }
for f in "$A_HOST/ImproveBot.Host.dll" "$B_HOST/ImproveBot.Host.dll" "$OUT/fake/FakeDiscordForBench.dll" "$OUT/openload"; do
  [ -f "$f" ] || die "$f is missing; run 'bash bench/discord-load.sh' (and RATE=1000 once, for openload) first"
done
per_bot=$(( RATE * (WARMUP + BURST * ROUNDS) ))
[ "$per_bot" -le 200000 ] || die "RATE x (WARMUP + BURST x ROUNDS) = $per_bot is over the 200,000 requests the fake signs at once"

tmp=$(mktemp -d)
pids=()
cleanup() {
  local rc=$? p
  trap - EXIT INT TERM
  for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
  exec 3>&-
  for p in "${pids[@]}"; do
    for _ in $(seq 1 150); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$p" 2>/dev/null || true
  done
  rm -rf "$tmp"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

mkfifo "$tmp/fake.in"
dotnet "$OUT/fake/FakeDiscordForBench.dll" --users "$USERS" --seconds 600 <"$tmp/fake.in" >"$tmp/fake.out" 2>"$tmp/fake.log" &
pids+=($!)
exec 3>"$tmp/fake.in"
ready_line=""
for _ in $(seq 1 300); do
  ready_line=$(grep -m1 '^READY ' "$tmp/fake.out" 2>/dev/null || true)
  [ -n "$ready_line" ] && break
  sleep 0.1
done
[ -n "$ready_line" ] || die "the fake Discord printed no READY line within 30 s"
read -r _ api_base bot_token app_id public_key _ <<<"$ready_line"

start_bot() { # $1 = name, $2 = host dir, $3 = port, $4 = extra env; prints the pid
  # shellcheck disable=SC2086  # $4 is a list of NAME=value words
  env -u Slack__BotToken -u Slack__AppToken -u Slack__SigningSecret -u Discord__UseGateway -u ASPNETCORE_URLS \
    ConnectionStrings__ImproveBot="Data Source=$tmp/$1.db" Database__Provider=Sqlite \
    Discord__BotToken="$bot_token" Discord__ApplicationId="$app_id" Discord__PublicKey="$public_key" \
    Discord__ApiBaseUrl="$api_base" Scheduling__Enabled=false Logging__LogLevel__Default=Warning $4 \
    dotnet "$2/ImproveBot.Host.dll" --urls "http://127.0.0.1:$3" >"$tmp/$1.log" 2>&1 3>&- &
  echo $!
}
a_pid=$(start_bot a "$A_HOST" $A_PORT "$A_ENV"); pids+=("$a_pid")
b_pid=$(start_bot b "$B_HOST" $B_PORT "$B_ENV"); pids+=("$b_pid")
for port in $A_PORT $B_PORT; do
  ok=""
  for _ in $(seq 1 600); do
    curl -fs --noproxy '*' --max-time 2 -o /dev/null "http://127.0.0.1:$port/readyz" && { ok=1; break; }
    sleep 0.1
  done
  [ -n "$ok" ] || { tail -n 20 "$tmp"/*.log >&2; die "the bot on port $port was not ready within 60 s"; }
done

echo "raw $tmp/idea.raw $per_bot" >&3
line=""
for _ in $(seq 1 900); do
  line=$(grep -m1 -E '^(RAW|ERROR) ' "$tmp/fake.out" 2>/dev/null || true)
  [ -n "$line" ] && break
  sleep 0.1
done
case "$line" in "RAW $per_bot "*) ;; *) die "the fake Discord did not write the requests: ${line:-nothing within 90 s}" ;; esac

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
# Times any of the bot's threads was put on a core (a wake-up or a return after preemption): what a spaced-out arrival
# costs beyond the work itself.
# Per thread, so a thread that exits during a burst does not count as negative switches.
slices() { for t in /proc/"$1"/task/*; do echo "${t##*/} $(awk '{print $3}' "$t/schedstat" 2>/dev/null)"; done; }
slice_delta() { awk 'NR == FNR {before[$1] = $2; next} $2 != "" {s += $2 - ($1 in before ? before[$1] : 0)} END {print s + 0}' "$1" "$2"; }
hz=$(getconf CLK_TCK)
field() { sed -n "s/.*\b$2=\([0-9]*\).*/\1/p" <<<"$1"; }
burst() { # $1 = name, $2 = port, $3 = pid, $4 = seconds, $5 = offset; prints "cpu_us_per_interaction p50_us p99_us ok requests"
  local before after result
  before=$(cpu_ticks "$3"); slices "$3" >"$tmp/slices.before"
  result=$(timeout 60 "$OUT/openload" -p "$2" -r "$RATE" -d "$4" -c "$CONNECTIONS" -f "$tmp/idea.raw" -o "$5" -t 3 | grep '^RESULT ') \
    || die "openload failed against $1"
  after=$(cpu_ticks "$3"); slices "$3" >"$tmp/slices.after"
  local n ok
  n=$(field "$result" requests); ok=$(field "$result" saved); [ "$n" -gt 0 ] || n=1
  echo "$(( (after - before) * 1000000 / hz / n )) $(field "$result" p50_us) $(field "$result" p99_us) $ok $n $(( $(slice_delta "$tmp/slices.before" "$tmp/slices.after") * 100 / n ))"
}

log "A: $A_HOST ${A_ENV:-(no extra environment)}; B: $B_HOST ${B_ENV:-(no extra environment)}"
log "warm-up: ${WARMUP} s each at $RATE/s; then $ROUNDS pairs of ${BURST} s bursts"
burst a $A_PORT "$a_pid" "$WARMUP" 0 >/dev/null
burst b $B_PORT "$b_pid" "$WARMUP" 0 >/dev/null
offset=$(( RATE * WARMUP ))
: >"$tmp/a.res"; : >"$tmp/b.res"
for r in $(seq 1 "$ROUNDS"); do
  order="a b"; [ $((r % 2)) -eq 0 ] && order="b a"
  for who in $order; do
    if [ "$who" = a ]; then res=$(burst a $A_PORT "$a_pid" "$BURST" "$offset"); else res=$(burst b $B_PORT "$b_pid" "$BURST" "$offset"); fi
    echo "$res" >>"$tmp/$who.res"
    read -r cpu p50 p99 ok n cs <<<"$res"
    awk -v r="$r" -v w="$(tr a-b A-B <<<"$who")" -v c="$cpu" -v p50="$p50" -v p99="$p99" -v ok="$ok" -v n="$n" -v cs="$cs" 'BEGIN {
      printf "round %d %s: %4d us CPU and %.2f thread switches per interaction, p50 %6.2f ms, p99 %7.2f ms, saved %d of %d\n",
        r, w, c, cs / 100, p50 / 1000, p99 / 1000, ok, n }'
  done
  offset=$(( offset + RATE * BURST ))
done
python3 - "$tmp/a.res" "$tmp/b.res" <<'PY'
import statistics, sys
a = [list(map(int, l.split())) for l in open(sys.argv[1])]
b = [list(map(int, l.split())) for l in open(sys.argv[2])]
wins = sum(1 for x, y in zip(a, b) if y[0] < x[0])
med = lambda rows, i: statistics.median(r[i] for r in rows)
for name, rows in (("A", a), ("B", b)):
    print(f"{name}: median {med(rows,0):.0f} us CPU and {med(rows,5)/100:.2f} thread switches per interaction, "
          f"p50 {med(rows,1)/1000:.2f} ms, p99 {med(rows,2)/1000:.2f} ms")
print(f"B cost less than A in {wins} of {len(a)} pairs; B/A CPU {med(b,0)/med(a,0):.3f}")
PY
