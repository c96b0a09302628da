#!/usr/bin/env bash
# First audit, then an unchanged re-audit of the same synthetic portal, side by side.
#
#   bench/reaudit.sh [N]          e.g. bench/reaudit.sh 20000   (default 2000)
#
# Both audits run the same command (`xxgk audit URL --concurrency 64 --delay 0 --as-of
# 2026-11-20` into one database, a report each); the second is incremental (conditional
# requests, stored extraction reused for 304s, link results reused within their age).
# Prints wall / CPU / peak RSS of both, the ratio, the requests and 304s the server saw
# (nginx access log), and whether the two runs have the same pages, targets and findings.
# Results: /tmp/bench-results/reaudit-N<N>-<time>/ (time-*.txt, access-*.log, a.sqlite).
set -euo pipefail
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BENCH=${XXGK_SHARED:-$REPO/../shared}/bench
N=${1:-2000}
PORT=${PORT:-18080}  # another port: a copy of the site made for it (see run.sh)
SITE=/tmp/benchsite-$N; [[ $PORT == 18080 ]] || SITE=/tmp/benchsite-$N-p$PORT
[[ -f $SITE/truth.json ]] || python3 "$BENCH/gensite.py" "$N" "$SITE" --port "$PORT"
URL=$(python3 -c "import json,sys;print(json.load(open(sys.argv[1]))['start_url'])" "$SITE/truth.json")
OUT=/tmp/bench-results/reaudit-N$N-$(date +%Y%m%d-%H%M%S)
mkdir -p "$OUT"
LOG=/tmp/bench-nginx-$PORT/access.log
# an nginx already serving this site on the port is used as it is (and left running)
if "$BENCH/serve.sh" status "$PORT" >/dev/null 2>&1; then
  grep -q "root $SITE/site;" "/tmp/bench-nginx-$PORT/nginx.conf" || {
    echo "port $PORT serves another site; stop it first ($BENCH/serve.sh stop $PORT)" >&2; exit 2; }
else
  "$BENCH/serve.sh" start "$SITE" "$PORT" >/dev/null
  trap '"$BENCH/serve.sh" stop "$PORT" >/dev/null 2>&1 || true' EXIT
fi
cat "$SITE"/site/index.html >/dev/null
cd /tmp
run() {  # name
  local before; before=$(wc -l < "$LOG")
  /usr/bin/time -v -o "$OUT/time-$1.txt" "$REPO/.venv/bin/xxgk" audit "$URL" --db "$OUT/a.sqlite" \
    --report "$OUT/report-$1" --concurrency 64 --delay 0 --quiet --as-of 2026-11-20
  sleep 1.5  # nginx flushes its log buffer every second
  tail -n +"$((before + 1))" "$LOG" > "$OUT/access-$1.log"
}
run first
run again
"$REPO/.venv/bin/python" - "$OUT" <<'EOF'
import re, sqlite3, sys
from pathlib import Path
out = Path(sys.argv[1])

def tv(name):
    text = (out / f"time-{name}.txt").read_text()
    get = lambda label: re.search(re.escape(label) + r": (.*)", text).group(1).strip()
    h, m, s = (["0", "0"] + get("Elapsed (wall clock) time (h:mm:ss or m:ss)").split(":"))[-3:]
    wall = int(h) * 3600 + int(m) * 60 + float(s)
    cpu = float(get("User time (seconds)")) + float(get("System time (seconds)"))
    lines = (out / f"access-{name}.log").read_text().splitlines()
    status = [line.split()[3] for line in lines if len(line.split()) > 3]
    return wall, cpu, int(get("Maximum resident set size (kbytes)")) / 1024, len(lines), status.count("304")

db = sqlite3.connect(out / "a.sqlite")
first, again = [r[0] for r in db.execute("select id from runs order by id")][-2:]
rows = {}
print(f"| audit | wall s | CPU s | peak RSS MB | requests | 304 |\n|---|---|---|---|---|---|")
for name in ("first", "again"):
    wall, cpu, rss, req, n304 = rows[name] = tv(name)
    print(f"| {name} | {wall:.1f} | {cpu:.1f} | {rss:.0f} | {req:,} | {n304:,} |")
print(f"\nre-audit speed-up: {rows['first'][0] / rows['again'][0]:.2f}x wall, "
      f"{rows['first'][1] / rows['again'][1]:.2f}x CPU")
reused = db.execute("select count(*), sum(reused_from is not null) from pages where run_id = ?", [again]).fetchone()
print(f"pages of the re-audit: {reused[0]:,}, reused from the first run: {reused[1]:,}")
for table, cols in (("pages", "url, status, title, kind, published"), ("targets", "url, outcome, status"),
                    ("run_links", "page_url, url, tag, text"), ("findings", "rule, page_url, url")):
    q = f"select {cols} from {table} where run_id = ?"
    a, b = sorted(db.execute(q, [first])), sorted(db.execute(q, [again]))
    print(f"{table}: {len(a):,} / {len(b):,} rows, {'identical' if a == b else 'DIFFERENT'}")
EOF
echo "results in $OUT"
