#!/usr/bin/env bash
# n8n's community-node lint (`n8n-node lint`, strict mode) on the code that ships: credentials/, nodes/, icons/ and
# package.json. Strict mode demands n8n's stock eslint.config.mjs, which lints every .ts file under the working
# folder with the rules for node code; tests, the sandbox and scripts are not node code (they need process, http,
# timers), so the lint runs in a copy that holds only what ships. The rest is type-checked by tsc.
# Prints plain text (no colour codes, also where CI forces colour): the problems, or one line when all is clean.
set -euo pipefail
started=$SECONDS
root="$(cd "$(dirname "$0")/.." && pwd)"
source "$root/scripts/node24.sh"
# The copy is made per run, outside .tools (which checkouts of one clone may share); its paths in the problems
# printed are the checkout's.
stage=$(mktemp -d "${TMPDIR:-/tmp}/n8n-nodes-arize-lint.XXXXXX")
trap 'rm -rf "$stage"' EXIT
cp -r "$root"/{package.json,eslint.config.mjs,tsconfig.json,README.md,credentials,nodes,icons} "$stage"/
ln -s "$root/node_modules" "$stage/node_modules"
cd "$stage"
# n8n-node lint colours its output whatever the terminal (eslint's part too): strip the escape codes.
plain() { sed -e 's/\x1b\[[0-9;]*m//g' -e "s|$stage|$root|g"; }
out=$(node_modules/.bin/n8n-node lint 2>&1 | plain) || { echo "$out"; echo "n8n-node lint failed" >&2; exit 1; }
# Warnings do not fail eslint; they fail us.
if grep -qE '[0-9]+ warnings?' <<<"$out"; then echo "$out"; echo "n8n-node lint reported warnings" >&2; exit 1; fi
cd "$root"
out=$(node_modules/.bin/eslint -c eslint.boundaries.config.mjs nodes 2>&1 | plain) \
  || { echo "$out"; echo "A node folder imports only itself and nodes/shared/ (eslint.boundaries.config.mjs)" >&2; exit 1; }
out=$(node_modules/.bin/tsc -p tsconfig.json 2>&1 | plain) || { echo "$out"; echo "tsc found type errors" >&2; exit 1; }
echo "Lint: n8n-node lint (strict, on what ships), the node-folder boundaries and tsc (everything) passed in $((SECONDS - started)) s"
