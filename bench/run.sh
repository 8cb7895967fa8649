#!/usr/bin/env bash
# npm run bench: builds the package (dist/ is what gets measured), makes sure the pinned n8n (whose HTTP Request node
# is the reference) is installed in .tools/n8n, compiles the benchmark scripts with tsc into bench/.build (ignored)
# and runs them. Arguments go to bench/run.ts: --no-write prints the table without writing BENCHMARKS.md.
set -euo pipefail
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
