# Sourced by .ci/run: a throw-away ClickHouse server for test/clickhouse.
# start_clickhouse installs Debian's clickhouse-server when missing, starts it in the background on
# 127.0.0.1 with its data, tmp and logs under a temp dir, waits for GET /ping to answer "Ok." and
# exports FIDELIS_CLICKHOUSE_URL (and FIDELIS_CLICKHOUSE_USER/PASSWORD, a user with a password); stop_clickhouse stops it and removes the dir (call it from a trap).
# start_clickhouse_cluster starts the 2-shard cluster `fidelis` the same way (two more servers) and
# exports FIDELIS_CLICKHOUSE_CLUSTER_URL, FIDELIS_CLICKHOUSE_CLUSTER_NODES and FIDELIS_CLICKHOUSE_CLUSTER; stop_clickhouse_cluster stops it.

clickhouse_dir=""
clickhouse_pid=""
clickhouse_cluster_dirs=()
clickhouse_cluster_pids=()

install_clickhouse() {
  if [ -x /usr/sbin/clickhouse-server ] || command -v clickhouse-server >/dev/null 2>&1; then return 0; fi
  echo "== installing clickhouse-server (apt-get)"
  local sudo=""
  if [ "$(id -u)" != 0 ]; then sudo="sudo"; fi
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  # policy-rc.d may or may not let the package start its own service; we start ours by hand either way.
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends clickhouse-server >/dev/null
}

# curl where there is one, else Node's fetch (Node is there: CI runs npm).
http_get() {
  if command -v curl >/dev/null 2>&1; then
    curl -s --max-time 2 "$1" 2>/dev/null || true
  else
    node -e 'fetch(process.argv[1], { signal: AbortSignal.timeout(2000) }).then((r) => r.text()).then((t) => process.stdout.write(t), () => {})' "$1"
  fi
}

free_port() {
  node -e 'const s = require("net").createServer().listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); });'
}

# Writes a minimal 18.16 config into $1 (loopback only, no interserver port, small caches, the
# users below) for HTTP port $2 and native port $3; $4, when given, is a <remote_servers> block.
write_clickhouse_config() {
  local dir="$1" http_port="$2" tcp_port="$3" remote_servers="${4:-}"
  mkdir -p "$dir/data" "$dir/tmp" "$dir/log" "$dir/user_files"
  cat >"$dir/config.xml" <<EOF
<?xml version="1.0"?>
<yandex>
  <logger><level>warning</level><log>$dir/log/server.log</log><errorlog>$dir/log/error.log</errorlog></logger>
  <listen_host>127.0.0.1</listen_host>
  <http_port>$http_port</http_port>
  <tcp_port>$tcp_port</tcp_port>
  <path>$dir/data/</path>
  <tmp_path>$dir/tmp/</tmp_path>
  <user_files_path>$dir/user_files/</user_files_path>
  <format_schema_path>$dir/format_schemas/</format_schema_path>
  <mark_cache_size>268435456</mark_cache_size>
  <uncompressed_cache_size>268435456</uncompressed_cache_size>
  <max_concurrent_queries>20</max_concurrent_queries>
  <timezone>UTC</timezone>
  <users_config>$dir/users.xml</users_config>
  <default_profile>default</default_profile>
  <default_database>default</default_database>
  $remote_servers
</yandex>
EOF
  cat >"$dir/users.xml" <<EOF
<?xml version="1.0"?>
<yandex>
  <profiles><default><max_memory_usage>2000000000</max_memory_usage></default></profiles>
  <users>
    <default><password></password><networks><ip>127.0.0.1</ip></networks><profile>default</profile><quota>default</quota></default>
    <fidelis><password>$FIDELIS_CLICKHOUSE_PASSWORD</password><networks><ip>127.0.0.1</ip></networks><profile>default</profile><quota>default</quota></fidelis>
  </users>
  <quotas><default><interval><duration>3600</duration><queries>0</queries><errors>0</errors><result_rows>0</result_rows><read_rows>0</read_rows><execution_time>0</execution_time></interval></default></quotas>
</yandex>
EOF
}

# A user with a password, for the tests that check the password never shows (test/clickhouse/cli.test.ts);
# the single server and the cluster's nodes share it.
clickhouse_password() {
  export FIDELIS_CLICKHOUSE_USER=fidelis
  if [ -z "${FIDELIS_CLICKHOUSE_PASSWORD:-}" ]; then
    FIDELIS_CLICKHOUSE_PASSWORD="ci-$(node -e 'process.stdout.write(require("crypto").randomBytes(9).toString("hex"))')"
  fi
  export FIDELIS_CLICKHOUSE_PASSWORD
}

# Starts the server configured in $1 in the background; prints its pid.
launch_clickhouse() {
  local binary
  binary="$(command -v clickhouse-server || echo /usr/sbin/clickhouse-server)"
  "$binary" --config-file="$1/config.xml" >"$1/log/stdout.log" 2>&1 &
  echo $!
}

# Polls $1/ping until it answers "Ok." (pid $2, dir $3 for the logs when it does not within 60 s).
wait_for_clickhouse() {
  local url="$1" pid="$2" dir="$3"
  local deadline=$((SECONDS + 60))
  until [ "$(http_get "$url/ping")" = "Ok." ]; do
    if ! kill -0 "$pid" 2>/dev/null; then
      echo "clickhouse-server exited before answering $url/ping; its logs:" >&2
      tail -n 30 "$dir/log/stdout.log" "$dir/log/error.log" >&2 2>/dev/null || true
      return 1
    fi
    if [ "$SECONDS" -ge "$deadline" ]; then
      echo "clickhouse-server did not answer $url/ping within 60 s; its logs:" >&2
      tail -n 30 "$dir/log/stdout.log" "$dir/log/error.log" >&2 2>/dev/null || true
      return 1
    fi
    # Poll interval, not a fixed wait: the loop ends as soon as the server answers.
    sleep 0.2
  done
}

start_clickhouse() {
  install_clickhouse
  clickhouse_password
  clickhouse_dir="$(mktemp -d)"
  local http_port tcp_port
  http_port="$(free_port)"
  tcp_port="$(free_port)"
  write_clickhouse_config "$clickhouse_dir" "$http_port" "$tcp_port"
  echo "== starting clickhouse-server on 127.0.0.1:$http_port"
  local started=$SECONDS
  clickhouse_pid="$(launch_clickhouse "$clickhouse_dir")"
  local url="http://127.0.0.1:$http_port"
  wait_for_clickhouse "$url" "$clickhouse_pid" "$clickhouse_dir" || return 1
  export FIDELIS_CLICKHOUSE_URL="$url"
  echo "== clickhouse $(http_get "$url/?query=SELECT%20version()") ready at $FIDELIS_CLICKHOUSE_URL in $((SECONDS - started)) s"
}

# The 2-shard cluster `fidelis`: two more server processes on 127.0.0.1 (own ports and temp dirs),
# each with the same <remote_servers> naming both as shards, one replica each. Plain Distributed
# tables need no ZooKeeper; ClickHouseEngine sends each DDL statement to both nodes itself (18.16's
# ON CLUSTER would need ZooKeeper). Exports FIDELIS_CLICKHOUSE_CLUSTER_URL (the first node, where
# queries go) and FIDELIS_CLICKHOUSE_CLUSTER_NODES (every node's HTTP host:port).
start_clickhouse_cluster() {
  install_clickhouse
  clickhouse_password
  local http_ports=() tcp_ports=() shards="" i
  for i in 0 1; do
    http_ports[i]="$(free_port)"
    tcp_ports[i]="$(free_port)"
    shards="$shards<shard><replica><host>127.0.0.1</host><port>${tcp_ports[i]}</port><user>default</user></replica></shard>"
  done
  local remote="<remote_servers><fidelis>$shards</fidelis></remote_servers>"
  local started=$SECONDS
  for i in 0 1; do
    clickhouse_cluster_dirs[i]="$(mktemp -d)"
    write_clickhouse_config "${clickhouse_cluster_dirs[i]}" "${http_ports[i]}" "${tcp_ports[i]}" "$remote"
    clickhouse_cluster_pids[i]="$(launch_clickhouse "${clickhouse_cluster_dirs[i]}")"
  done
  echo "== starting the 2-shard clickhouse cluster 'fidelis' on 127.0.0.1:${http_ports[0]} and :${http_ports[1]}"
  for i in 0 1; do
    wait_for_clickhouse "http://127.0.0.1:${http_ports[i]}" "${clickhouse_cluster_pids[i]}" "${clickhouse_cluster_dirs[i]}" || return 1
  done
  export FIDELIS_CLICKHOUSE_CLUSTER=fidelis
  export FIDELIS_CLICKHOUSE_CLUSTER_URL="http://127.0.0.1:${http_ports[0]}"
  export FIDELIS_CLICKHOUSE_CLUSTER_NODES="127.0.0.1:${http_ports[0]},127.0.0.1:${http_ports[1]}"
  echo "== clickhouse cluster ready (nodes $FIDELIS_CLICKHOUSE_CLUSTER_NODES) in $((SECONDS - started)) s"
}

stop_clickhouse_cluster() {
  local i
  for i in "${!clickhouse_cluster_pids[@]}"; do stop_clickhouse_process "${clickhouse_cluster_pids[i]}"; done
  for i in "${!clickhouse_cluster_dirs[@]}"; do rm -rf "${clickhouse_cluster_dirs[i]}"; done
  clickhouse_cluster_pids=()
  clickhouse_cluster_dirs=()
}

# Stops the server of pid $1: SIGTERM, up to 10 s for it to exit, then SIGKILL.
stop_clickhouse_process() {
  local pid="$1"
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
    kill "$pid" 2>/dev/null || true
    local waited=0
    while kill -0 "$pid" 2>/dev/null && [ "$waited" -lt 50 ]; do sleep 0.2; waited=$((waited + 1)); done
    kill -9 "$pid" 2>/dev/null || true
  fi
}

stop_clickhouse() {
  stop_clickhouse_process "$clickhouse_pid"
  clickhouse_pid=""
  if [ -n "$clickhouse_dir" ]; then rm -rf "$clickhouse_dir"; fi
  clickhouse_dir=""
}
