# Sourced by scripts/start and scripts/e2e: a pinned n8n, this package installed into it the way n8n installs a
# community package, and the sandbox credential + example workflows imported.
N8N_VERSION=2.41.1
N8N_PREFIX="$ROOT/.tools/n8n"
SANDBOX_CREDENTIAL_ID=arizeSandboxCred

# n8n's defaults phone home (telemetry, version checks, templates); this machine may have no internet.
export N8N_DIAGNOSTICS_ENABLED=false N8N_VERSION_NOTIFICATIONS_ENABLED=false N8N_TEMPLATES_ENABLED=false \
  N8N_PERSONALIZATION_ENABLED=false N8N_HIRING_BANNER_ENABLED=false N8N_SECURE_COOKIE=false \
  N8N_BLOCK_ENV_ACCESS_IN_NODE=true N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS=false

# The last n8n of the 1.x line, still widely self-hosted: scripts/e2e runs the examples in it too (phase n8n1).
N8N1_VERSION=1.123.81
N8N1_PREFIX="$ROOT/.tools/n8n1"
N8N1_BIN="$N8N1_PREFIX/node_modules/.bin/n8n"
# Packages each install adds (measured), for the progress it prints.
N8N_PACKAGES=2363 N8N1_PACKAGES=1926

# Points N8N_BIN and the environment at one n8n line: `use_n8n 2` (the default, set below) or `use_n8n 1`.
#   2.41: task runners are always on (N8N_RUNNERS_ENABLED only earns a deprecation notice: "no longer needed"); its
#         MCP server registry fetches api.n8n.io at start and logs an ENOTFOUND stack trace offline: module disabled.
#   1.123: task runners run only with N8N_RUNNERS_ENABLED=true (without, a deprecation notice asks for it); it knows
#         no module mcp-registry and refuses to start when N8N_DISABLED_MODULES names it.
use_n8n() {
  case $1 in
    2)
      N8N_BIN="$N8N_PREFIX/node_modules/.bin/n8n"
      unset N8N_RUNNERS_ENABLED
      export N8N_DISABLED_MODULES=${N8N_DISABLED_MODULES:-mcp-registry}
      ;;
    1)
      N8N_BIN=$N8N1_BIN
      export N8N_RUNNERS_ENABLED=true
      unset N8N_DISABLED_MODULES
      ;;
    *) echo "use_n8n: 1 or 2" >&2; return 2 ;;
  esac
  export N8N_BIN
}
use_n8n 2

# A free loopback port (the kernel's choice), and whether something listens on port $1 on any address.
free_port() { node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'; }
port_in_use() {
  ! node -e 'const s=require("net").createServer();s.once("error",()=>process.exit(1));s.listen(+process.argv[1],()=>s.close())' "$1"
}

# "2 min 05 s" since $1 (a $SECONDS value).
elapsed_since() {
  local seconds=$((SECONDS - $1))
  if [ "$seconds" -ge 60 ]; then printf '%d min %02d s' $((seconds / 60)) $((seconds % 60)); else printf '%d s' "$seconds"; fi
}

# How far the npm whose --loglevel=http output is in $1 got, $2 packages expected: tarballs downloaded (or taken
# from the cache) once it has worked out the tree, package manifests read before that.
npm_log_progress() {
  local log=$1 expected=$2 tarballs requests
  tarballs=$(grep -c '^npm http \(fetch\|cache\) .*/-/.*\.tgz' "$log" 2>/dev/null) || true
  requests=$(grep -c '^npm http \(fetch\|cache\) ' "$log" 2>/dev/null) || true
  if [ "${tarballs:-0}" -gt 0 ]; then
    echo "${tarballs} of about $expected packages downloaded"
  else
    echo "working out the dependency tree: ${requests:-0} package manifests read"
  fi
}

# Runs a long command (the rest of the arguments) with its output in the file $2, saying every 20 s what it does:
# "$1: <what npm_log_progress reads from the log, when $3 (packages expected) is given> (<time>)". On failure, prints
# the end of the log (npm's own request lines left out) and returns the command's status.
run_with_progress() {
  local label=$1 log=$2 expected=$3 started=$SECONDS pid status=0 ticks=0 what
  shift 3
  "$@" > "$log" 2>&1 &
  pid=$!
  while kill -0 "$pid" 2>/dev/null; do
    sleep 1
    ticks=$((ticks + 1))
    [ $((ticks % 20)) -eq 0 ] || continue
    what="still running"
    [ -z "$expected" ] || what=$(npm_log_progress "$log" "$expected")
    echo "$label: $what ($(elapsed_since "$started"))" >&2
  done
  wait "$pid" || status=$?
  if [ "$status" -ne 0 ]; then
    grep -v '^npm http ' "$log" | tail -20 >&2
    echo "$label failed (exit $status; log: ${log#"$ROOT"/})" >&2
  fi
  return "$status"
}

# npm ci of this package, with progress (its lock file says how many packages). Skipped when node_modules exists.
ensure_node_modules() {
  local expected
  [ ! -d "$ROOT/node_modules" ] || return 0
  expected=$(node -p 'Object.keys(require(process.argv[1]).packages).length - 1' "$ROOT/package-lock.json")
  echo "Installing this package's dependencies ($expected packages; about 2 minutes on 2 cores) ..." >&2
  run_with_progress "Package dependencies" "$ROOT/.tools/npm-ci.log" "$expected" \
    npm ci --no-audit --no-fund --loglevel=http --prefix "$ROOT" || return 1
  echo "Package dependencies: installed" >&2
}

# Installs n8n $1 once into the folder $2 (later runs reuse it); $3: packages it adds (for the progress); $4: extra
# package.json fields (JSON members). A lock file makes a second caller (CI starts the installs in the background
# early) wait for the first instead of racing it. Prints its progress every 20 s on stderr.
install_n8n() {
  local version=$1 prefix=$2 packages=$3 extra=${4:-}
  mkdir -p "$prefix"
  (
    flock 9
    if n8n_installed "$version" "$prefix"; then exit 0; fi
    started=$SECONDS
    echo "n8n $version: installing into ${prefix#"$ROOT"/} (once; about 8 minutes on 2 cores: about 6 to download" \
      "$packages packages, 2 to build sqlite3) ..." >&2
    printf '{ "name": "n8n-app", "private": true, "dependencies": { "n8n": "%s" }%s }\n' "$version" "${extra:+, $extra}" \
      > "$prefix/package.json"
    # Install scripts would try to download prebuilt binaries and sources (Kafka's librdkafka) from the internet;
    # skip them and build only the two native modules n8n needs to run: sqlite3 (its database) and isolated-vm.
    run_with_progress "n8n $version" "$prefix.install.log" "$packages" \
      npm install --prefix "$prefix" --no-audit --no-fund --loglevel=http --ignore-scripts || exit 1
    echo "n8n $version: packages installed ($(elapsed_since "$started")); building its native modules sqlite3 and" \
      "isolated-vm (about 2 minutes) ..." >&2
    run_with_progress "n8n $version: native build" "$prefix.build.log" "" \
      npm rebuild --prefix "$prefix" sqlite3 isolated-vm --loglevel=error || exit 1
    echo "$version" > "$prefix/.installed"
    echo "n8n $version: installed in $(elapsed_since "$started")" >&2
  ) 9> "$prefix.lock"
}

n8n_installed() { [ -x "$2/node_modules/.bin/n8n" ] && [ "$(cat "$2/.installed" 2>/dev/null)" = "$1" ]; }

# The pinned n8n 2.x in .tools/n8n.
ensure_n8n() { install_n8n "$N8N_VERSION" "$N8N_PREFIX" "$N8N_PACKAGES"; }

# n8n 1.123 in .tools/n8n1. Its n8n-nodes-base pulls xlsx from a URL outside the npm registry; the registry's 0.18.5
# (used only by the spreadsheet nodes) stands in.
ensure_n8n1() { install_n8n "$N8N1_VERSION" "$N8N1_PREFIX" "$N8N1_PACKAGES" '"overrides": { "xlsx": "0.18.5" }'; }

# Packs this package (as npm publishes it) and unpacks it where n8n keeps community packages.
install_package() {
  local user_folder=$1 target="$1/.n8n/nodes/node_modules/n8n-nodes-arize" tarball
  tarball=$(cd "$ROOT" && npm pack --silent --pack-destination "$ROOT/.tools" 2>/dev/null | tail -n 1)
  rm -rf "$target" && mkdir -p "$target"
  tar -xzf "$ROOT/.tools/$tarball" -C "$target" --strip-components=1
}

# The example workflows of examples/ and the "Arize API" credential, imported into the n8n of $N8N_USER_FOLDER where
# they are missing: the user's edits (an example renamed or changed, the credential edited) and everything else stay.
#   import_demo BASE_URL API_KEY [REGION] [reset]
# The credential is also imported again when what it must point at changed since it was imported (another sandbox
# port or key, the sandbox ↔ Arize AX): the file .arize-credential in the user folder records that (the key only as a
# hash). With `reset`: every example and the credential again, over the edits.
import_demo() {
  local base_url=$1 api_key=$2 region=${3:-custom} reset=${4:-} tmp target file id missing=() have_workflows=
  local target_file="$N8N_USER_FOLDER/.arize-credential" import_credential= list_pid
  tmp=$(mktemp -d)
  target="$region $base_url key-sha256:$(printf '%s' "$api_key" | sha256sum | cut -c1-16)"
  if [ -n "$reset" ] || n8n_database_is_new; then
    import_credential="the credential"
  else
    # Both checks start n8n's command line (about 3 s each): side by side on SQLite, whose database exists; one
    # after the other on PostgreSQL, where the first may have to create the tables.
    "$N8N_BIN" list:workflow --onlyId > "$tmp/workflows" 2> "$tmp/list.log" &
    list_pid=$!
    if [ "${DB_TYPE:-sqlite}" != sqlite ]; then
      wait "$list_pid" || { cat "$tmp/list.log" >&2; rm -rf "$tmp"; return 1; }
      list_pid=
    fi
    "$N8N_BIN" export:credentials --id="$SANDBOX_CREDENTIAL_ID" --output="$tmp/credential.json" > "$tmp/export.log" 2>&1 \
      || grep -q 'No credentials found' "$tmp/export.log" || { cat "$tmp/export.log" >&2; [ -z "$list_pid" ] || wait "$list_pid"; rm -rf "$tmp"; return 1; }
    [ -z "$list_pid" ] || wait "$list_pid" || { cat "$tmp/list.log" >&2; rm -rf "$tmp"; return 1; }
    have_workflows=$(cat "$tmp/workflows")
    if [ ! -s "$tmp/credential.json" ]; then
      import_credential="the credential (it was missing)"
    elif [ "$(cat "$target_file" 2>/dev/null)" != "$target" ]; then
      import_credential="the credential (it now points at ${base_url:-Arize AX, region $region})"
    fi
  fi
  for file in "$ROOT"/examples/*.json; do
    id=$(node -p 'require(process.argv[1]).id' "$file")
    grep -qxF "$id" <<<"$have_workflows" || missing+=("$file")
  done
  if [ -n "$import_credential" ]; then
    node -e '
      const [id, baseUrl, apiKey, region] = process.argv.slice(1);
      const name = region === "custom" ? "Arize API (sandbox)" : "Arize API";
      process.stdout.write(JSON.stringify([{ id, name, type: "arizeApi", data: { apiKey, region, baseUrl } }]));
    ' "$SANDBOX_CREDENTIAL_ID" "$base_url" "$api_key" "$region" > "$tmp/credentials.json"
    "$N8N_BIN" import:credentials --input="$tmp/credentials.json" > "$tmp/log" 2>&1 || { cat "$tmp/log" >&2; rm -rf "$tmp"; return 1; }
    echo "$target" > "$target_file"
  fi
  if [ ${#missing[@]} -gt 0 ]; then
    mkdir "$tmp/examples" && cp "${missing[@]}" "$tmp/examples/"
    "$N8N_BIN" import:workflow --separate --input="$tmp/examples" > "$tmp/log" 2>&1 || { cat "$tmp/log" >&2; rm -rf "$tmp"; return 1; }
  fi
  rm -rf "$tmp"
  DEMO_IMPORTED="${#missing[@]} example workflow(s)${import_credential:+ and $import_credential}"
}

# Whether n8n has not created its database yet (SQLite: no file; PostgreSQL is asked).
n8n_database_is_new() {
  [ "${DB_TYPE:-sqlite}" = sqlite ] && [ ! -f "$N8N_USER_FOLDER/.n8n/database.sqlite" ]
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
