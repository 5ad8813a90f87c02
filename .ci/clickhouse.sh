# Sourced by .ci/run: a throw-away ClickHouse server for test/clickhouse.
# start_clickhouse installs Debian's clickhouse-server when missing, starts it in the background on
# 127.0.0.1 with its data, tmp and logs under a temp dir, waits for GET /ping to answer "Ok." and
# exports FIDELIS_CLICKHOUSE_URL (and FIDELIS_CLICKHOUSE_USER/PASSWORD, a user with a password); stop_clickhouse stops it and removes the dir (call it from a trap).

clickhouse_dir=""
clickhouse_pid=""

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

start_clickhouse() {
  install_clickhouse
  local binary
  binary="$(command -v clickhouse-server || echo /usr/sbin/clickhouse-server)"
  clickhouse_dir="$(mktemp -d)"
  mkdir -p "$clickhouse_dir/data" "$clickhouse_dir/tmp" "$clickhouse_dir/log" "$clickhouse_dir/user_files"
  # A user with a password, for the tests that check the password never shows (test/clickhouse/cli.test.ts).
  export FIDELIS_CLICKHOUSE_USER=fidelis
  FIDELIS_CLICKHOUSE_PASSWORD="ci-$(node -e 'process.stdout.write(require("crypto").randomBytes(9).toString("hex"))')"
  export FIDELIS_CLICKHOUSE_PASSWORD
  local http_port tcp_port
  http_port="$(free_port)"
  tcp_port="$(free_port)"
  # Minimal 18.16 config: loopback only, no interserver port, small caches, one user without password.
  cat >"$clickhouse_dir/config.xml" <<EOF
<?xml version="1.0"?>
<yandex>
  <logger><level>warning</level><log>$clickhouse_dir/log/server.log</log><errorlog>$clickhouse_dir/log/error.log</errorlog></logger>
  <listen_host>127.0.0.1</listen_host>
  <http_port>$http_port</http_port>
  <tcp_port>$tcp_port</tcp_port>
  <path>$clickhouse_dir/data/</path>
  <tmp_path>$clickhouse_dir/tmp/</tmp_path>
  <user_files_path>$clickhouse_dir/user_files/</user_files_path>
  <format_schema_path>$clickhouse_dir/format_schemas/</format_schema_path>
  <mark_cache_size>268435456</mark_cache_size>
  <uncompressed_cache_size>268435456</uncompressed_cache_size>
  <max_concurrent_queries>20</max_concurrent_queries>
  <timezone>UTC</timezone>
  <users_config>$clickhouse_dir/users.xml</users_config>
  <default_profile>default</default_profile>
  <default_database>default</default_database>
</yandex>
EOF
  cat >"$clickhouse_dir/users.xml" <<EOF
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
  echo "== starting clickhouse-server on 127.0.0.1:$http_port"
  "$binary" --config-file="$clickhouse_dir/config.xml" >"$clickhouse_dir/log/stdout.log" 2>&1 &
  clickhouse_pid=$!
  local url="http://127.0.0.1:$http_port"
  local deadline=$((SECONDS + 60))
  until [ "$(http_get "$url/ping")" = "Ok." ]; do
    if ! kill -0 "$clickhouse_pid" 2>/dev/null; then
      echo "clickhouse-server exited before answering $url/ping; its logs:" >&2
      tail -n 30 "$clickhouse_dir/log/stdout.log" "$clickhouse_dir/log/error.log" >&2 2>/dev/null || true
      return 1
    fi
    if [ "$SECONDS" -ge "$deadline" ]; then
      echo "clickhouse-server did not answer $url/ping within 60 s; its logs:" >&2
      tail -n 30 "$clickhouse_dir/log/stdout.log" "$clickhouse_dir/log/error.log" >&2 2>/dev/null || true
      return 1
    fi
    # Poll interval, not a fixed wait: the loop ends as soon as the server answers.
    sleep 0.2
  done
  export FIDELIS_CLICKHOUSE_URL="$url"
  echo "== clickhouse $(http_get "$url/?query=SELECT%20version()") ready at $FIDELIS_CLICKHOUSE_URL in $((SECONDS + 60 - deadline)) s"
}

stop_clickhouse() {
  if [ -n "$clickhouse_pid" ] && kill -0 "$clickhouse_pid" 2>/dev/null; then
    kill "$clickhouse_pid" 2>/dev/null || true
    local waited=0
    while kill -0 "$clickhouse_pid" 2>/dev/null && [ "$waited" -lt 50 ]; do sleep 0.2; waited=$((waited + 1)); done
    kill -9 "$clickhouse_pid" 2>/dev/null || true
  fi
  clickhouse_pid=""
  if [ -n "$clickhouse_dir" ]; then rm -rf "$clickhouse_dir"; fi
  clickhouse_dir=""
}
