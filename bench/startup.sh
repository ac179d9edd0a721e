#!/usr/bin/env bash
# Cold start to /readyz OK, and resident memory when idle, median of N runs (default 5).
# Usage: bash bench/startup.sh [runs]    (builds Release first; talks only to 127.0.0.1)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-5}
port=5199
# Published as the Dockerfile publishes it: Release, for linux-x64, ReadyToRun.
dotnet publish src/ImproveBot.Host -c Release -r linux-x64 --self-contained false -o bench/out/host --nologo -v quiet >/dev/null

median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
measure() { # $1 = "fresh" (new database) or "warm" (existing database)
  local kind=$1 dir
  dir=$(mktemp -d)
  [ "$kind" = warm ] && { run_once "$dir" >/dev/null; }
  run_once "$dir"
  rm -rf "$dir"
}
run_once() {
  local dir=$1 start ready pid rss i
  start=$(date +%s%N)
  ConnectionStrings__ImproveBot="Data Source=$dir/improvebot.db" Logging__LogLevel__Default=Warning \
    dotnet bench/out/host/ImproveBot.Host.dll --urls "http://127.0.0.1:$port" >"$dir/log" 2>&1 &
  pid=$!
  ready=""
  for i in $(seq 1 600); do   # at most 30 s
    if curl -fs "http://127.0.0.1:$port/readyz" >/dev/null 2>&1; then ready=$(date +%s%N); break; fi
    sleep 0.05
  done
  [ -n "$ready" ] || { echo "not ready within 30 s" >&2; cat "$dir/log" >&2; kill "$pid"; exit 1; }
  sleep 10   # let start-up work settle, then read the idle resident set
  rss=$(awk '/VmRSS/ {print $2}' "/proc/$pid/status")
  kill "$pid"; wait "$pid" 2>/dev/null || true
  echo "$(( (ready - start) / 1000000 )) $(( rss / 1024 ))"
}

for kind in fresh warm; do
  : >"bench/out/$kind.txt"
  for _ in $(seq 1 "$runs"); do measure "$kind" >>"bench/out/$kind.txt"; done
  echo "$kind database: ready in $(cut -d' ' -f1 "bench/out/$kind.txt" | median) ms (median of $runs; runs: $(cut -d' ' -f1 "bench/out/$kind.txt" | tr '\n' ' '))," \
       "idle RSS $(cut -d' ' -f2 "bench/out/$kind.txt" | median) MB (runs: $(cut -d' ' -f2 "bench/out/$kind.txt" | tr '\n' ' '))"
done
