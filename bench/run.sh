#!/usr/bin/env bash
# Benchmark xxgk-audit beside LinkChecker and bare Scrapy in ONE invocation of the shared
# harness (../shared/bench), so the ratios hold on a noisy shared machine.
#
#   bench/run.sh [N] [RUNS] [EXTRA_PEERS...]      e.g. bench/run.sh 2000 3
#
# N: pages of the synthetic portal (default 2000); RUNS: repetitions (default 1).
# Results: /tmp/bench-results/xxgk-N<N>-<time>/results.md
set -euo pipefail
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
SHARED=${XXGK_SHARED:-$REPO/../shared}
BENCH=$SHARED/bench
N=${1:-2000}; RUNS=${2:-1}; shift $(( $# > 2 ? 2 : $# )) || true
PEERS=("$@"); [[ ${#PEERS[@]} -eq 0 ]] && PEERS=(scrapy-check-dedup linkchecker)
[[ -d $BENCH ]] || { echo "no shared bench harness at $BENCH" >&2; exit 2; }
# PORT=18200 bench/run.sh ...: a copy of the site for that port (its external links embed
# the port), so a benchmark can run while another site is served on 18080
PORT=${PORT:-18080}
SITE=/tmp/benchsite-$N; [[ $PORT == 18080 ]] || SITE=/tmp/benchsite-$N-p$PORT
[[ -f $SITE/truth.json ]] || python3 "$BENCH/gensite.py" "$N" "$SITE" --port "$PORT"
CONC=${CONC:-64}
XXGK="xxgk=cd '$REPO' && .venv/bin/xxgk audit \"\$URL\" --db \"\$WORK/a.sqlite\" --report \"\$WORK/report\" --concurrency $CONC --delay 0 --quiet --as-of 2026-11-20 ; .venv/bin/python -c \"import sqlite3,sys; [print(u) for (u,) in sqlite3.connect(sys.argv[1]).execute('select distinct url from findings where rule = ?', ('link.broken',))]\" \"\$WORK/a.sqlite\" > \"\$WORK/broken.txt\""
OUT=/tmp/bench-results/xxgk-N$N-$(date +%Y%m%d-%H%M%S)
TIMEOUT=${TIMEOUT:-1800}
cd /tmp  # a neutral directory: our scrapy.cfg must not leak into the peers' Scrapy
"$BENCH/run_peers.sh" -s "$SITE" -o "$OUT" -r "$RUNS" -t "$TIMEOUT" -c "$XXGK" "${PEERS[@]}"
