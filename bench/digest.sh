#!/usr/bin/env bash
# Digest build time for a team with IDEAS ideas, on SQLite and on PostgreSQL: seeds the data through the bot's data
# services (bench/ClusterBench), builds the weekly digest RUNS times after 3 warm-up builds, prints p50/p90/max.
# Goal: p50 under 200 ms. Usage: bash bench/digest.sh     Knobs: IDEAS=100000 RUNS=30 SKIP_BUILD=1
# PostgreSQL: a throw-away server from .ci/postgres.sh; SQLite: a file in a temporary folder.
set -euo pipefail
cd "$(dirname "$0")/.."
IDEAS=${IDEAS:-100000}
RUNS=${RUNS:-30}
OUT=bench/out
log() { echo "[digest] $*" >&2; }
mkdir -p "$OUT"
if [ "${SKIP_BUILD:-0}" != 1 ]; then
  log "building bench/ClusterBench (Release)"
  dotnet build bench/ClusterBench -c Release -o "$OUT/cluster" --nologo -v quiet >"$OUT/build-digest.log" 2>&1 \
    || { cat "$OUT/build-digest.log" >&2; exit 1; }
fi
# shellcheck source=../.ci/postgres.sh
source .ci/postgres.sh
tmp=$(mktemp -d)
cleanup() { local rc=$?; trap - EXIT INT TERM; pg_test_stop; rm -rf "$tmp"; exit "$rc"; }
trap cleanup EXIT
trap 'exit 130' INT TERM
pg_test_start

BENCH_CONNECTION="Data Source=$tmp/digest.db" dotnet "$OUT/cluster/ClusterBench.dll" digest --provider Sqlite --ideas "$IDEAS" --runs "$RUNS"
BENCH_CONNECTION="${IMPROVEBOT_TEST_POSTGRES};Database=postgres" dotnet "$OUT/cluster/ClusterBench.dll" digest --provider Postgres --ideas "$IDEAS" --runs "$RUNS"
