#!/usr/bin/env bash
# The weekly fan-out against a fake Slack that fails a share of Web API requests in every way a network can: one run
# without faults and one with 20 % (RATES), reporting delivered, duplicates, attempts per message and wall time.
# The work is bench/crash-fanout.sh in MODE=faults; its knobs apply (MEMBERS, SCALE, RATES, SEED, REQUEST_TIMEOUT,
# HOLD_MS, SKIP_BUILD).
set -euo pipefail
MODE=faults exec bash "$(dirname "$0")/crash-fanout.sh" "$@"
