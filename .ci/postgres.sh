# A throw-away PostgreSQL server for the tests: sourced by .ci/run (and usable by hand, see below).
#
#   source .ci/postgres.sh && pg_test_start     # installs PostgreSQL if missing, starts it, exports the variables
#   ...                                          # IMPROVEBOT_TEST_POSTGRES (an admin connection string) and
#   pg_test_stop                                 # IMPROVEBOT_TEST_POSTGRES_REQUIRED=1; stop removes everything
#
# The server listens on 127.0.0.1 only, on a free port, with a data directory under /tmp and a random password
# (scram-sha-256), so a second run or another user's server on this machine is never touched. PostgreSQL refuses
# to run as root, so as root the server runs as the `postgres` user (created by Debian's package) on a directory
# it owns. Durability settings are off: nothing here outlives the run. Every wait is bounded.

PG_TEST_DIR=""
PG_TEST_BIN=""
PG_TEST_AS=()

_pg_log() { echo "[postgres] $*" >&2; }

_pg_find_bin() {
  local dir
  if command -v pg_config >/dev/null 2>&1 && [ -x "$(pg_config --bindir)/initdb" ]; then pg_config --bindir; return 0; fi
  for dir in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -t/ -k4 -n -r); do
    [ -x "$dir/initdb" ] && { echo "$dir"; return 0; }
  done
  return 1
}

_pg_free_port() {
  local port
  for port in $(seq 55432 55531); do
    # Nothing answers a connect on a free port; bash's /dev/tcp needs no extra tool.
    if ! (exec 9<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then echo "$port"; return 0; fi
  done
  return 1
}

pg_test_start() {
  PG_TEST_BIN=$(_pg_find_bin) || {
    _pg_log "PostgreSQL is not installed; installing Debian's package (apt-get install -y postgresql)"
    local sudo_cmd=""; [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
    $sudo_cmd apt-get install -y postgresql >&2 || { $sudo_cmd apt-get update >&2 && $sudo_cmd apt-get install -y postgresql >&2; } \
      || { _pg_log "could not install postgresql"; return 1; }
    PG_TEST_BIN=$(_pg_find_bin) || { _pg_log "postgresql installed, but no initdb found"; return 1; }
  }

  PG_TEST_DIR=$(mktemp -d /tmp/improvebot-pg.XXXXXX)
  local password port
  password=$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')
  printf '%s\n' "$password" >"$PG_TEST_DIR/pwfile"
  if [ "$(id -u)" -eq 0 ]; then
    id postgres >/dev/null 2>&1 || { _pg_log "running as root, but there is no postgres user to run the server as"; return 1; }
    chown -R postgres: "$PG_TEST_DIR"
    PG_TEST_AS=(runuser -u postgres --)
  else
    PG_TEST_AS=()
  fi
  port=$(_pg_free_port) || { _pg_log "no free port in 55432..55531"; return 1; }

  "${PG_TEST_AS[@]}" "$PG_TEST_BIN/initdb" -D "$PG_TEST_DIR/data" -U postgres --auth=scram-sha-256 \
      --pwfile="$PG_TEST_DIR/pwfile" -E UTF8 --locale=C.UTF-8 >"$PG_TEST_DIR/initdb.log" 2>&1 \
    || { cat "$PG_TEST_DIR/initdb.log" >&2; _pg_log "initdb failed"; return 1; }
  rm -f "$PG_TEST_DIR/pwfile"
  # Three bot instances plus parallel test classes each keep a pool: room for a few hundred connections.
  "${PG_TEST_AS[@]}" "$PG_TEST_BIN/pg_ctl" -D "$PG_TEST_DIR/data" -l "$PG_TEST_DIR/server.log" -w -t 60 \
      -o "-c listen_addresses=127.0.0.1 -p $port -c unix_socket_directories=$PG_TEST_DIR -c max_connections=400 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
      start >/dev/null \
    || { cat "$PG_TEST_DIR/server.log" >&2; _pg_log "the server did not start"; return 1; }

  export IMPROVEBOT_TEST_POSTGRES="Host=127.0.0.1;Port=$port;Username=postgres;Password=$password"
  export IMPROVEBOT_TEST_POSTGRES_REQUIRED=1
  _pg_log "PostgreSQL $("$PG_TEST_BIN/postgres" --version | awk '{print $3}') on 127.0.0.1:$port (data in $PG_TEST_DIR)"
}

pg_test_stop() {
  [ -n "$PG_TEST_DIR" ] || return 0
  if [ -f "$PG_TEST_DIR/data/postmaster.pid" ]; then
    "${PG_TEST_AS[@]}" "$PG_TEST_BIN/pg_ctl" -D "$PG_TEST_DIR/data" -w -t 30 -m fast stop >/dev/null 2>&1 \
      || "${PG_TEST_AS[@]}" "$PG_TEST_BIN/pg_ctl" -D "$PG_TEST_DIR/data" -w -t 10 -m immediate stop >/dev/null 2>&1 || true
  fi
  rm -rf "$PG_TEST_DIR"
  PG_TEST_DIR=""
  unset IMPROVEBOT_TEST_POSTGRES IMPROVEBOT_TEST_POSTGRES_REQUIRED
}
