# n8n's queue mode on one machine, and its durable poll scheduler. Sourced (after scripts/n8n-lib.sh) by
# scripts/start (--queue, --durable) and scripts/e2e (phases durable and queue):
#   ensure_queue_services           Debian's redis-server and postgresql, installed with apt-get when missing
#   start_redis DIR PORT            a Redis of our own (no persistence), a plain process; stop_redis DIR
#   start_postgres DIR PORT         a PostgreSQL cluster in DIR (initdb on first use) with a database "n8n";
#                                   stop_postgres DIR, remove_postgres DIR (stops and deletes it)
#   queue_env                       exports what every n8n process of the stack needs (queue mode, Redis, PostgreSQL)
#   fast_stall_env                  a killed worker's execution fails after about 45 s instead of 110 s
#   durable_env                     exports the switches of n8n 2.41's durable poll scheduler
#   queue_ports                     picks free loopback ports for everything not given yet
#   wait_for_url URL PID SECONDS    until URL answers 200 (or PID died)
# Run as a command, it becomes one n8n process of the stack, with its own ports (see n8n_process below):
#   bash scripts/queue-lib.sh main          n8n start (the editor, the triggers and pollers, the REST API)
#   bash scripts/queue-lib.sh worker N      n8n worker number N (queue mode), in its own UTS namespace when root
# The e2e suites start, stop and kill n8n processes that way (test/e2e/lib/stack.ts).


as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo -n "$@"; fi; }

# PostgreSQL's programs: Debian keeps them in /usr/lib/postgresql/<major>/bin, off PATH.
pg_bin_dir() {
  local dir
  for dir in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
    [ -x "$dir/postgres" ] && [ -x "$dir/initdb" ] && { echo "$dir"; return 0; }
  done
  return 1
}

ensure_queue_services() {
  local need=() log="$ROOT/.tools/apt-queue.log"
  command -v redis-server > /dev/null || need+=(redis-server)
  pg_bin_dir > /dev/null || need+=(postgresql)
  [ ${#need[@]} -gt 0 ] || return 0
  echo "Installing Debian's ${need[*]} (once; about a minute) ..." >&2
  mkdir -p "$ROOT/.tools"
  if ! { as_root apt-get update && DEBIAN_FRONTEND=noninteractive as_root apt-get install -y "${need[@]}"; } > "$log" 2>&1; then
    tail -20 "$log" >&2
    echo "Could not install ${need[*]} with apt-get (log: ${log#"$ROOT"/})" >&2
    return 1
  fi
  # Debian's packages start their own services (on the default ports); ours are separate processes.
}

# PostgreSQL refuses to run as root: as root, the cluster belongs to the "postgres" user that the package creates.
as_pg_owner() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

start_redis() {
  local dir=$1 port=$2
  mkdir -p "$dir"
  setsid redis-server --port "$port" --bind 127.0.0.1 --dir "$dir" --save '' --appendonly no \
    --pidfile "$dir/redis.pid" > "$dir/redis.log" 2>&1 < /dev/null &
  for _ in $(seq 50); do
    [ "$(redis-cli -h 127.0.0.1 -p "$port" ping 2>/dev/null)" = PONG ] && return 0
    sleep 0.2
  done
  tail -20 "$dir/redis.log" >&2; echo "Redis did not start on port $port" >&2; return 1
}

stop_redis() {
  local dir=$1 pid
  pid=$(cat "$dir/redis.pid" 2>/dev/null) || return 0
  kill -TERM "$pid" 2>/dev/null || return 0
  for _ in $(seq 40); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.25; done
  kill -KILL "$pid" 2>/dev/null || true
}

# The cluster's real folder. As root, the cluster belongs to "postgres", which must reach it: when it cannot reach
# DIR's parent (a checkout under a private home folder), DIR becomes a link to a folder under /tmp.
pg_data_dir() {
  local dir=$1
  if [ ! -e "$dir" ] && [ "$(id -u)" = 0 ]; then
    mkdir -p "$(dirname "$dir")"
    if ! runuser -u postgres -- test -x "$(dirname "$dir")"; then
      ln -s "$(mktemp -d /tmp/n8n-nodes-arize-pg.XXXXXX)" "$dir"
    fi
  fi
  readlink -f "$dir"
}

start_postgres() {
  local dir=$1 port=$2 bin data
  bin=$(pg_bin_dir) || { echo "PostgreSQL is not installed" >&2; return 1; }
  data=$(pg_data_dir "$dir")
  if [ ! -f "$data/PG_VERSION" ]; then
    mkdir -p "$data"
    [ "$(id -u)" = 0 ] && chown postgres: "$data"
    as_pg_owner "$bin/initdb" -D "$data" -U postgres --auth=trust --no-locale --encoding=UTF8 \
      > "$dir.initdb.log" 2>&1 || { cat "$dir.initdb.log" >&2; return 1; }
  fi
  # Loopback TCP only, no Unix socket (a long checkout path would not fit one); pg_ctl detaches it and waits.
  as_pg_owner "$bin/pg_ctl" -D "$data" -l "$data/postgres.log" -w -t 60 start \
    -o "-p $port -c listen_addresses=127.0.0.1 -c unix_socket_directories=''" > /dev/null \
    || { tail -20 "$data/postgres.log" >&2; echo "PostgreSQL did not start on port $port" >&2; return 1; }
  if [ -z "$(psql -h 127.0.0.1 -p "$port" -U postgres -tAc "SELECT 1 FROM pg_database WHERE datname = 'n8n'")" ]; then
    psql -h 127.0.0.1 -p "$port" -U postgres -qc 'CREATE DATABASE n8n' || return 1
  fi
}

stop_postgres() {
  local dir=$1 bin data
  data=$(readlink -f "$dir") && [ -f "$data/postmaster.pid" ] || return 0
  bin=$(pg_bin_dir) || return 0
  as_pg_owner "$bin/pg_ctl" -D "$data" -m fast -w -t 30 stop > /dev/null 2>&1 || true
}

# Stops the cluster and deletes it (and the folder under /tmp that DIR may link to).
remove_postgres() {
  local dir=$1
  stop_postgres "$dir"
  [ -L "$dir" ] && rm -rf "$(readlink -f "$dir")"
  rm -rf "$dir"
}

# Every port the stack listens on: Redis, PostgreSQL, n8n's editor, and per n8n process its task-runner broker
# (the default 5679 would clash) and, per worker, its health check. Ports already set are kept.
queue_ports() {
  local workers=${1:-2} i var
  : "${QUEUE_REDIS_PORT:=$(free_port)}" "${QUEUE_PG_PORT:=$(free_port)}"
  : "${N8N_PORT:=$(free_port)}" "${N8N_MAIN_BROKER_PORT:=$(free_port)}"
  export QUEUE_REDIS_PORT QUEUE_PG_PORT N8N_PORT N8N_MAIN_BROKER_PORT
  for i in $(seq "$workers"); do
    for var in N8N_WORKER${i}_BROKER_PORT N8N_WORKER${i}_HEALTH_PORT; do
      [ -n "${!var:-}" ] || printf -v "$var" '%s' "$(free_port)"
      export "${var?}"
    done
  done
}

# The environment every n8n process of the stack shares (the main, the workers, and `n8n import:*`): queue mode,
# the one Redis and PostgreSQL, one encryption key. N8N_USER_FOLDER must be the same for all, too.
queue_env() {
  [ -n "${N8N_ENCRYPTION_KEY:-}" ] || { echo "queue_env: set N8N_ENCRYPTION_KEY" >&2; return 1; }
  export EXECUTIONS_MODE=queue \
    QUEUE_BULL_REDIS_HOST=127.0.0.1 QUEUE_BULL_REDIS_PORT="$QUEUE_REDIS_PORT" \
    DB_TYPE=postgresdb DB_POSTGRESDB_HOST=127.0.0.1 DB_POSTGRESDB_PORT="$QUEUE_PG_PORT" \
    DB_POSTGRESDB_DATABASE=n8n DB_POSTGRESDB_USER=postgres DB_POSTGRESDB_PASSWORD=postgres \
    N8N_ENCRYPTION_KEY
}

# A killed worker's execution is failed once Bull sees its job stalled: about 110 s with n8n's defaults, about 45 s
# with these (n8n never retries a stalled job).
fast_stall_env() {
  export QUEUE_WORKER_LOCK_DURATION=10000 QUEUE_WORKER_LOCK_RENEW_TIME=2000 QUEUE_WORKER_STALLED_INTERVAL=5000
}

# n8n 2.41's durable poll scheduler (off by default): polls are jobs in the database, a poll's state is committed
# with the execution it starts, and a poll that takes longer than N8N_SCHEDULER_POLL_TIMEOUT (45 s) is abandoned.
durable_env() {
  export N8N_SCHEDULER_ENABLED=true N8N_SCHEDULER_POLL_TRIGGERS_ENABLED=true \
    N8N_USE_WORKFLOW_PUBLICATION_SERVICE=true N8N_POLLER_DURABLE_CURSORS_ENABLED=true
  [ -z "${N8N_SCHEDULER_POLL_TIMEOUT:-}" ] || export N8N_SCHEDULER_POLL_TIMEOUT
}

# A key kept next to the stack's data, so every start of the same stack (and every process of it) uses the same one.
encryption_key_in() {
  local file=$1
  [ -s "$file" ] || { mkdir -p "$(dirname "$file")"; node -e 'console.log(require("crypto").randomBytes(24).toString("hex"))' > "$file"; }
  cat "$file"
}

wait_for_url() {
  local url=$1 pid=$2 seconds=${3:-180}
  for _ in $(seq "$seconds"); do
    [ "$(curl -s -o /dev/null -w '%{http_code}' "$url")" = 200 ] && return 0
    kill -0 "$pid" 2>/dev/null || return 1
    sleep 1
  done
  return 1
}

# One n8n process of the stack (run through `bash scripts/queue-lib.sh ROLE [N]`, which replaces itself with n8n:
# its pid is n8n's). The environment comes from the caller (queue_env, durable_env, queue_ports, N8N_USER_FOLDER).
n8n_process() {
  local role=$1 number=${2:-} broker health
  case $role in
    main)
      export N8N_RUNNERS_BROKER_PORT=$N8N_MAIN_BROKER_PORT
      # Queue mode: the editor's "Execute workflow" runs on a worker too, not on the main.
      [ "${EXECUTIONS_MODE:-}" != queue ] || export OFFLOAD_MANUAL_EXECUTIONS_TO_WORKERS=true
      exec "$N8N_BIN" start
      ;;
    worker)
      [ -n "$number" ] || { echo "worker: which one (a number)?" >&2; return 2; }
      broker=N8N_WORKER${number}_BROKER_PORT health=N8N_WORKER${number}_HEALTH_PORT
      export N8N_RUNNERS_BROKER_PORT=${!broker:?$broker is not set} \
        QUEUE_HEALTH_CHECK_ACTIVE=true QUEUE_HEALTH_CHECK_PORT=${!health:?$health is not set}
      # In a container n8n takes its host ID from the hostname, the same for every worker ("Detected multiple
      # instances sharing the same hostId"); a UTS namespace of its own gives each worker its own hostname.
      if [ "$(id -u)" = 0 ] && command -v unshare > /dev/null; then
        exec unshare --uts sh -c 'hostname "$0" && exec "$@"' "n8n-worker-$number" "$N8N_BIN" worker
      fi
      exec "$N8N_BIN" worker
      ;;
    *) echo "Unknown n8n process $role (main, worker N)" >&2; return 2 ;;
  esac
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  set -euo pipefail
  ROOT="$(cd "$(dirname "$0")/.." && pwd)"
  source "$ROOT/scripts/node24.sh"
  source "$ROOT/scripts/n8n-lib.sh"
  n8n_process "$@"
fi
