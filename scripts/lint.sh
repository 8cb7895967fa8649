#!/usr/bin/env bash
# n8n's community-node lint (`n8n-node lint`, strict mode) on the code that ships: credentials/, nodes/, icons/ and
# package.json. Strict mode demands n8n's stock eslint.config.mjs, which lints every .ts file under the working
# folder with the rules for node code; tests, the sandbox and scripts are not node code (they need process, http,
# timers), so the lint runs in a copy that holds only what ships. The rest is type-checked by tsc.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
source "$root/scripts/node24.sh"
stage="$root/.tools/lint"
rm -rf "$stage" && mkdir -p "$stage"
cp -r "$root"/{package.json,eslint.config.mjs,tsconfig.json,README.md,credentials,nodes,icons} "$stage"/
ln -s "$root/node_modules" "$stage/node_modules"
cd "$stage"
out=$(node_modules/.bin/n8n-node lint 2>&1) || { echo "$out"; exit 1; }
echo "$out"
# Warnings do not fail eslint; they fail us.
if grep -qE '[0-9]+ warnings?' <<<"$out"; then echo "n8n-node lint reported warnings" >&2; exit 1; fi
cd "$root" && node_modules/.bin/tsc -p tsconfig.json
