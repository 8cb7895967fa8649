# Sourced by scripts/start and scripts/e2e: a pinned n8n, this package installed into it the way n8n installs a
# community package, and the sandbox credential + example workflows imported.
N8N_VERSION=2.41.1
N8N_PREFIX="$ROOT/.tools/n8n"
N8N_BIN="$N8N_PREFIX/node_modules/.bin/n8n"
SANDBOX_CREDENTIAL_ID=arizeSandboxCred

# n8n's defaults phone home (telemetry, version checks, templates); this machine may have no internet.
export N8N_DIAGNOSTICS_ENABLED=false N8N_VERSION_NOTIFICATIONS_ENABLED=false N8N_TEMPLATES_ENABLED=false \
  N8N_PERSONALIZATION_ENABLED=false N8N_HIRING_BANNER_ENABLED=false N8N_SECURE_COOKIE=false \
  N8N_RUNNERS_ENABLED=true N8N_BLOCK_ENV_ACCESS_IN_NODE=true N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS=false
# The MCP server registry fetches api.n8n.io at start and logs a stack trace when it cannot.
export N8N_DISABLED_MODULES=${N8N_DISABLED_MODULES:-mcp-registry}

# The last n8n of the 1.x line, still widely self-hosted: scripts/e2e runs the examples in it too (phase n8n1).
N8N1_VERSION=1.123.81
N8N1_PREFIX="$ROOT/.tools/n8n1"
N8N1_BIN="$N8N1_PREFIX/node_modules/.bin/n8n"

# Installs n8n $1 once into the folder $2 (later runs reuse it); $3: extra package.json fields (JSON members). A lock
# file makes a second caller (CI starts the installs in the background early) wait for the first instead of racing it.
install_n8n() {
  local version=$1 prefix=$2 extra=${3:-}
  mkdir -p "$prefix"
  (
    flock 9
    if [ -x "$prefix/node_modules/.bin/n8n" ] && [ "$(cat "$prefix/.installed" 2>/dev/null)" = "$version" ]; then exit 0; fi
    echo "Installing n8n $version into ${prefix#"$ROOT"/} (once; 3 to 8 minutes) ..." >&2
    printf '{ "name": "n8n-app", "private": true, "dependencies": { "n8n": "%s" }%s }\n' "$version" "${extra:+, $extra}" \
      > "$prefix/package.json"
    # Install scripts would try to download prebuilt binaries and sources (Kafka's librdkafka) from the internet;
    # skip them and build only the two native modules n8n needs to run: sqlite3 (its database) and isolated-vm.
    (cd "$prefix" && npm install --no-audit --no-fund --loglevel=error --ignore-scripts >&2 \
      && npm rebuild sqlite3 isolated-vm --loglevel=error >&2) || { echo "n8n $version install failed" >&2; exit 1; }
    echo "$version" > "$prefix/.installed"
  ) 9> "$prefix.lock"
}

# The pinned n8n 2.x in .tools/n8n.
ensure_n8n() { install_n8n "$N8N_VERSION" "$N8N_PREFIX"; }

# n8n 1.123 in .tools/n8n1. Its n8n-nodes-base pulls xlsx from a URL outside the npm registry; the registry's 0.18.5
# (used only by the spreadsheet nodes) stands in.
ensure_n8n1() { install_n8n "$N8N1_VERSION" "$N8N1_PREFIX" '"overrides": { "xlsx": "0.18.5" }'; }

# Packs this package (as npm publishes it) and unpacks it where n8n keeps community packages.
install_package() {
  local user_folder=$1 target="$1/.n8n/nodes/node_modules/n8n-nodes-arize" tarball
  tarball=$(cd "$ROOT" && npm pack --silent --pack-destination "$ROOT/.tools" 2>/dev/null | tail -n 1)
  rm -rf "$target" && mkdir -p "$target"
  tar -xzf "$ROOT/.tools/$tarball" -C "$target" --strip-components=1
}

# Imports an "Arize API" credential and the example workflows into the n8n of $N8N_USER_FOLDER.
import_demo() {
  local base_url=$1 api_key=$2 region=${3:-custom} tmp
  tmp=$(mktemp -d)
  node -e '
    const [id, baseUrl, apiKey, region] = process.argv.slice(1);
    const name = region === "custom" ? "Arize API (sandbox)" : "Arize API";
    process.stdout.write(JSON.stringify([{ id, name, type: "arizeApi", data: { apiKey, region, baseUrl } }]));
  ' "$SANDBOX_CREDENTIAL_ID" "$base_url" "$api_key" "$region" > "$tmp/credentials.json"
  "$N8N_BIN" import:credentials --input="$tmp/credentials.json" > "$tmp/log" 2>&1 || { cat "$tmp/log" >&2; return 1; }
  "$N8N_BIN" import:workflow --separate --input="$ROOT/examples" > "$tmp/log" 2>&1 || { cat "$tmp/log" >&2; return 1; }
  rm -rf "$tmp"
}

# Waits until the n8n main whose log is $1 (pid $2) is up: n8n answers HTTP, 200 included, while it still migrates
# its database, and prints "Editor is now accessible via" once it is ready.
wait_for_n8n_main() {
  local log=$1 pid=$2
  for _ in $(seq 240); do
    grep -q 'Editor is now accessible via' "$log" 2>/dev/null && return 0
    kill -0 "$pid" 2>/dev/null || return 1
    sleep 1
  done
  return 1
}

# n8n asks for an owner account on first use: creates it (a second start finds it set up: HTTP 400).
set_up_owner() {
  local url=$1 email=$2 password=$3 code
  for _ in $(seq 30); do
    code=$(curl -s -o /dev/null -w '%{http_code}' -X POST "$url/rest/owner/setup" -H 'Content-Type: application/json' \
      -d "{\"email\":\"$email\",\"firstName\":\"Demo\",\"lastName\":\"User\",\"password\":\"$password\"}")
    { [ "$code" = 200 ] || [ "$code" = 400 ]; } && return 0
    sleep 1
  done
  return 1
}
