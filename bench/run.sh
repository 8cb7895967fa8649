#!/usr/bin/env bash
# npm run bench: builds the package (dist/ is what gets measured), makes sure the pinned n8n (whose HTTP Request node
# is the reference) is installed in .tools/n8n, compiles the benchmark scripts with tsc into bench/.build (ignored)
# and runs them. Arguments go to bench/run.ts; --help lists them.
set -euo pipefail
usage() {
  cat <<'EOF'
Usage: npm run bench -- [options]      (or bench/run.sh [options])

Measures the package as built (dist/) through n8n-core against the local Arize sandbox and writes BENCHMARKS.md.
Without options: every benchmark (a few minutes): requests per job, time and CPU per item against n8n's HTTP Request
node, memory, trigger static data, cold load, tarball, cloud latency (0 and 50 ms) and request pacing (Auto against
5 at a time and the HTTP Request node, under rate limits, Create's CPU per item).

  --short        only the cloud-latency and pacing jobs at small sizes, printed, nothing written (what CI runs);
                 fails when a job sends more requests than the API's minimum, a request while a Retry-After holds,
                 or gets an item wrong; never on time
  --pacing       only the request-pacing jobs; rewrites only the "Request pacing" section of BENCHMARKS.md
  --latency      only the cloud-latency jobs; rewrites only the "At cloud latency" section of BENCHMARKS.md
  --no-write     print the tables, do not write BENCHMARKS.md
  --no-install   do not install the pinned n8n into .tools/n8n; without it the HTTP Request node's rows are
                 reported as skipped (and the full run's time-per-item comparison cannot run)
  --help, -h     print this and do nothing else
EOF
}
for arg in "$@"; do
  case "$arg" in --help | -h) usage; exit 0 ;; esac
done
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
source scripts/node24.sh
npm run build --silent >/dev/null
# With --no-install (CI, while n8n installs in the background) the HTTP Request node is compared only if n8n is
# already there.
if [[ " $* " != *" --no-install "* ]]; then
  node --disable-warning=MODULE_TYPELESS_PACKAGE_JSON scripts/orchestrator/cli.ts install-n8n 2
fi
rm -rf bench/.build
node_modules/.bin/tsc -p bench/tsconfig.json
# The harness names nodes after the package.json two folders above it (test/harness/environment.ts).
node -e 'const p=require("./package.json");require("fs").writeFileSync("bench/.build/package.json",JSON.stringify({name:p.name,private:true}))'
exec node bench/.build/bench/run.js "$@"
