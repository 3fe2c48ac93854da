#!/usr/bin/env bash
# Real test servers on loopback for yekuo's integration tests: PostgreSQL, MinIO, Elasticsearch,
# OpenLDAP (slapd).
#
#   scripts/services.sh start  [postgres|minio|elasticsearch|ldap ...]   (no names = all four;
#                                  prints the names of those it started, not those already up)
#   scripts/services.sh stop   [names]
#   scripts/services.sh status     # exit 0 when all four run, 3 otherwise
#   scripts/services.sh env        # export lines for the running servers, to be eval'ed
#
# Everything downloaded or built is cached in ${YEKUO_SERVICES_CACHE:-$HOME/.cache/yekuo-services};
# runtime data lives in its run/ directory and is wiped when a server is started afresh.
# YEKUO_SERVICES_RUN (run directory) and YEKUO_PG_PORT, YEKUO_MINIO_PORT, YEKUO_MINIO_CONSOLE_PORT,
# YEKUO_ES_PORT, YEKUO_ES_TRANSPORT_PORT start a second, private set beside the shared one.
# As root, servers run as the unprivileged system user yekuo-svc (PostgreSQL and Elasticsearch
# refuse root); as another user, they run as that user.
set -euo pipefail

CACHE=${YEKUO_SERVICES_CACHE:-$HOME/.cache/yekuo-services}
# YEKUO_SERVICES_RUN and the YEKUO_*_PORT variables start a second, private set of servers
# (the fault tests do, to stop and kill them without disturbing the shared ones).
RUN=${YEKUO_SERVICES_RUN:-$CACHE/run}
LOGS=$CACHE/logs
SVC_USER=${YEKUO_SERVICES_USER:-yekuo-svc}
ALL_SERVICES=(postgres minio elasticsearch ldap)

PG_PORT=${YEKUO_PG_PORT:-55432}
PG_USER=yekuo
PG_PASSWORD=yekuo
PG_DB=yekuo

MINIO_PORT=${YEKUO_MINIO_PORT:-59000}
MINIO_CONSOLE_PORT=${YEKUO_MINIO_CONSOLE_PORT:-59001}
# `go install github.com/minio/minio@latest` resolved to this pseudo-version when it was pinned;
# MinIO's release tags are not semver, so the module proxy only knows pseudo-versions.
MINIO_VERSION=${YEKUO_MINIO_VERSION:-v0.0.0-20260212201848-7aac2a2c5b7c}
MINIO_ACCESS_KEY=yekuo-test-access
MINIO_SECRET_KEY=yekuo-test-secret

ES_PORT=${YEKUO_ES_PORT:-59200}
ES_TRANSPORT_PORT=${YEKUO_ES_TRANSPORT_PORT:-59300}
# Newest 8.x of org.elasticsearch.distribution.integ-test-zip:elasticsearch on Maven Central.
ES_VERSION=${YEKUO_ES_VERSION:-8.19.21}
ES_HEAP=${YEKUO_ES_HEAP:-512m}
MAVEN_DEPENDENCY_PLUGIN=org.apache.maven.plugins:maven-dependency-plugin:3.8.1

START_TIMEOUT=${YEKUO_SERVICES_START_TIMEOUT:-180}

# ---------------------------------------------------------------------------------------------
# helpers

log() { printf 'services: %s\n' "$*" >&2; }
die() {
  printf 'services: ERROR: %s\n' "$*" >&2
  exit 1
}

is_root() { [ "$(id -u)" -eq 0 ]; }

now() { date +%s.%N; }
since() { awk -v s="$1" -v e="$(now)" 'BEGIN { printf "%.1f", e - s }'; }

# apt_install PKG...: install the Debian packages that are missing.
APT_UPDATED=0
apt_install() {
  local missing=() pkg
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  command -v apt-get >/dev/null || die "need the packages ${missing[*]} and apt-get is not here"
  local sudo_cmd=()
  is_root || sudo_cmd=(sudo -n)
  log "installing Debian packages: ${missing[*]}"
  local apt=("${sudo_cmd[@]}" env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600)
  if [ "$APT_UPDATED" -eq 0 ]; then
    "${apt[@]}" update -qq || die "apt-get update failed"
    APT_UPDATED=1
  fi
  "${apt[@]}" install -y -qq --no-install-recommends "${missing[@]}" >&2 ||
    die "apt-get install ${missing[*]} failed"
}

need_cmd() { # need_cmd COMMAND DEBIAN_PACKAGE
  command -v "$1" >/dev/null 2>&1 || apt_install "$2"
  command -v "$1" >/dev/null 2>&1 || die "$1 is still missing after installing $2"
}

# "${SVC[@]}" CMD...: run CMD as the unprivileged service user (exec'ed in place: same pid).
SVC=()
if is_root; then
  SVC=(setpriv --reuid="$SVC_USER" --regid="$SVC_USER" --init-groups --reset-env --)
fi
as_svc() { "${SVC[@]}" "$@"; }

ensure_svc_user() {
  is_root || return 0
  if ! id -u "$SVC_USER" >/dev/null 2>&1; then
    log "creating system user $SVC_USER"
    useradd --system --user-group --no-create-home --home-dir /nonexistent \
      --shell /usr/sbin/nologin "$SVC_USER" || die "cannot create the user $SVC_USER"
  fi
  # The service user must reach the cache (by default under /root, mode 0700): grant it
  # search (x) permission on each directory on the way, with an ACL where possible.
  local dir="" part
  local -a parts
  IFS=/ read -r -a parts <<<"${CACHE#/}"
  for part in "${parts[@]}"; do
    [ -n "$part" ] || continue
    dir="$dir/$part"
    [ -d "$dir" ] || break
    if ! as_svc test -x "$dir"; then
      command -v setfacl >/dev/null 2>&1 || apt_install acl || true
      if command -v setfacl >/dev/null 2>&1 && setfacl -m "u:$SVC_USER:x" "$dir" 2>/dev/null; then
        log "granted $SVC_USER search permission on $dir (ACL)"
      else
        chmod o+x "$dir"
        log "granted search permission on $dir (chmod o+x)"
      fi
    fi
  done
}

prepare_cache() {
  mkdir -p "$CACHE" "$RUN" "$LOGS"
  chmod 755 "$CACHE" "$RUN"
  ensure_svc_user
  as_svc test -x "$RUN" || die "user $SVC_USER cannot reach $RUN"
}

# fresh_run_dir NAME: wipe and recreate run/NAME, owned by the service user.
fresh_run_dir() {
  local dir=$RUN/$1
  rm -rf "$dir"
  mkdir -p "$dir"
  if is_root; then chown "$SVC_USER:$SVC_USER" "$dir"; fi
  chmod 700 "$dir"
  printf '%s' "$dir"
}

pid_alive() { [ -n "${1:-}" ] && kill -0 "$1" 2>/dev/null; }

read_pid() { if [ -r "$1" ]; then head -n1 "$1" 2>/dev/null | tr -dc 0-9 || true; fi; }

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# wait_until NAME PID LOGFILE TEST...: poll TEST until it succeeds; fail if PID dies or time runs out.
wait_until() {
  local name=$1 pid=$2 logfile=$3
  shift 3
  local deadline=$((SECONDS + START_TIMEOUT))
  until "$@" >/dev/null 2>&1; do
    if [ -n "$pid" ] && ! pid_alive "$pid"; then
      tail -n 40 "$logfile" >&2 2>/dev/null || true
      die "$name exited during start-up (log: $logfile)"
    fi
    if [ "$SECONDS" -ge "$deadline" ]; then
      tail -n 40 "$logfile" >&2 2>/dev/null || true
      die "$name did not answer within ${START_TIMEOUT}s (log: $logfile)"
    fi
    sleep 0.5
  done
}

# stop_pid NAME PID: SIGTERM, wait up to 60 s, then SIGKILL.
stop_pid() {
  local name=$1 pid=$2 i
  kill "$pid" 2>/dev/null || return 0
  for ((i = 0; i < 120; i++)); do
    pid_alive "$pid" || return 0
    sleep 0.5
  done
  log "$name (pid $pid) ignored SIGTERM for 60s; killing it"
  kill -9 "$pid" 2>/dev/null || true
}

port_taken_die() {
  die "$1 cannot start: port $2 on 127.0.0.1 is already in use by another process"
}

# ---------------------------------------------------------------------------------------------
# PostgreSQL (Debian's package), a throwaway cluster

pg_bindir() {
  local d
  d=$(find /usr/lib/postgresql -mindepth 2 -maxdepth 2 -name bin 2>/dev/null | sort -V | tail -n1 || true)
  [ -n "$d" ] && [ -x "$d/initdb" ] && printf '%s' "$d"
}

pg_pid() { read_pid "$RUN/postgres/data/postmaster.pid"; }
postgres_running() { pid_alive "$(pg_pid)"; }

pg_ready() {
  "$(pg_bindir)/pg_isready" -q -h 127.0.0.1 -p "$PG_PORT" -d "$PG_DB" -U "$PG_USER"
}

postgres_version() {
  local bin
  bin=$(pg_bindir) || return 0
  "$bin/postgres" --version | awk '{print $3}'
}

start_postgres() {
  local t0 bin dir
  t0=$(now)
  if postgres_running && pg_ready; then
    log "postgres: already running (pid $(pg_pid))"
    return 0
  fi
  bin=$(pg_bindir) || true
  if [ -z "$bin" ]; then
    apt_install postgresql
    bin=$(pg_bindir) || die "postgres: no initdb under /usr/lib/postgresql after installing postgresql"
  fi
  if postgres_running; then stop_pid postgres "$(pg_pid)"; fi
  port_open "$PG_PORT" && port_taken_die postgres "$PG_PORT"

  dir=$(fresh_run_dir postgres)
  as_svc mkdir -m 700 "$dir/sock"
  printf '%s\n' "$PG_PASSWORD" >"$dir/pwfile"
  if is_root; then chown "$SVC_USER:$SVC_USER" "$dir/pwfile"; fi
  as_svc "$bin/initdb" -D "$dir/data" -U "$PG_USER" --pwfile="$dir/pwfile" \
    --auth-local=trust --auth-host=scram-sha-256 -E UTF8 --locale=C.UTF-8 --no-sync \
    >"$dir/initdb.log" 2>&1 || {
    tail -n 20 "$dir/initdb.log" >&2
    die "postgres: initdb failed (log: $dir/initdb.log)"
  }
  rm -f "$dir/pwfile"
  cat >>"$dir/data/postgresql.conf" <<EOF

# yekuo throwaway test cluster: loopback only, durability off for speed
listen_addresses = '127.0.0.1'
port = $PG_PORT
unix_socket_directories = '$dir/sock'
fsync = off
synchronous_commit = off
full_page_writes = off
wal_level = minimal
max_wal_senders = 0
max_connections = 200
shared_buffers = 128MB
logging_collector = off
EOF
  # setsid: the servers outlive this script and ignore the terminal's Ctrl-C; 9>&-: they must
  # not inherit the lock.
  setsid "${SVC[@]}" "$bin/pg_ctl" -D "$dir/data" -l "$dir/postgres.log" -w -t "$START_TIMEOUT" \
    start >"$dir/pg_ctl.log" 2>&1 </dev/null 9>&- || {
    tail -n 40 "$dir/postgres.log" >&2 2>/dev/null || true
    die "postgres: could not start (log: $dir/postgres.log)"
  }
  wait_until postgres "$(pg_pid)" "$dir/postgres.log" pg_ready_socket "$bin" "$dir/sock"
  as_svc "$bin/createdb" -h "$dir/sock" -p "$PG_PORT" -U "$PG_USER" -O "$PG_USER" "$PG_DB" ||
    die "postgres: createdb $PG_DB failed"
  # The URL the tests use: password auth over TCP.
  PGPASSWORD=$PG_PASSWORD "$bin/psql" -X -q -h 127.0.0.1 -p "$PG_PORT" -U "$PG_USER" -d "$PG_DB" \
    -c 'SELECT 1' >/dev/null || die "postgres: password login over TCP failed"
  log "postgres $(postgres_version): ready on 127.0.0.1:$PG_PORT (pid $(pg_pid)) in $(since "$t0")s"
}

pg_ready_socket() { "$1/pg_isready" -q -h "$2" -p "$PG_PORT"; }

stop_postgres() {
  local pid bin
  pid=$(pg_pid)
  if ! pid_alive "$pid"; then
    log "postgres: not running"
    return 0
  fi
  bin=$(pg_bindir) || true
  if [ -n "$bin" ]; then
    as_svc "$bin/pg_ctl" -D "$RUN/postgres/data" -m fast -w -t 60 stop >/dev/null 2>&1 || true
  fi
  if pid_alive "$pid"; then stop_pid postgres "$pid"; fi
  log "postgres: stopped"
}

# ---------------------------------------------------------------------------------------------
# MinIO, built from source with the Go toolchain

MINIO_BIN=$CACHE/go/bin/minio
MINIO_STAMP=$CACHE/go/bin/minio.version

go_cmd() {
  if command -v go >/dev/null 2>&1; then
    command -v go
  elif [ -x /usr/local/go/bin/go ]; then
    printf '%s' /usr/local/go/bin/go
  else
    return 1
  fi
}

install_minio() {
  if [ -x "$MINIO_BIN" ] && [ "$(cat "$MINIO_STAMP" 2>/dev/null)" = "$MINIO_VERSION" ]; then
    return 0
  fi
  local go t0
  go=$(go_cmd) || die "minio: cannot be built: no Go toolchain (go) on PATH or in /usr/local/go/bin"
  t0=$(now)
  log "minio: building github.com/minio/minio@$MINIO_VERSION with $("$go" version | awk '{print $3}')" \
    "(first time only; several minutes on 2 cores; log: $LOGS/minio-build.log)"
  mkdir -p "$CACHE/go/bin"
  if ! (
    cd "$CACHE"
    export GOPATH=$CACHE/go/path GOMODCACHE=$CACHE/go/mod GOCACHE=$CACHE/go/build
    export GOBIN=$CACHE/go/bin CGO_ENABLED=0 GOFLAGS=-buildvcs=false
    nice -n 5 "$go" install "github.com/minio/minio@$MINIO_VERSION"
  ) >"$LOGS/minio-build.log" 2>&1; then
    tail -n 30 "$LOGS/minio-build.log" >&2
    die "minio: go install github.com/minio/minio@$MINIO_VERSION failed (log: $LOGS/minio-build.log)"
  fi
  printf '%s\n' "$MINIO_VERSION" >"$MINIO_STAMP"
  log "minio: built in $(since "$t0")s"
}

minio_pid() { read_pid "$RUN/minio/minio.pid"; }
minio_running() { pid_alive "$(minio_pid)"; }
minio_ready() { curl -fsS -o /dev/null --max-time 2 "http://127.0.0.1:$MINIO_PORT/minio/health/ready"; }
minio_version() { cat "$MINIO_STAMP" 2>/dev/null || true; }

start_minio() {
  local t0 dir pid
  t0=$(now)
  if minio_running && minio_ready; then
    log "minio: already running (pid $(minio_pid))"
    return 0
  fi
  need_cmd curl curl
  install_minio
  if minio_running; then stop_pid minio "$(minio_pid)"; fi
  port_open "$MINIO_PORT" && port_taken_die minio "$MINIO_PORT"
  port_open "$MINIO_CONSOLE_PORT" && port_taken_die "minio (console)" "$MINIO_CONSOLE_PORT"

  dir=$(fresh_run_dir minio)
  as_svc mkdir -p "$dir/data" "$dir/certs"
  setsid "${SVC[@]}" env HOME="$dir" \
    MINIO_ROOT_USER="$MINIO_ACCESS_KEY" MINIO_ROOT_PASSWORD="$MINIO_SECRET_KEY" \
    MINIO_UPDATE=off MINIO_CALLHOME_ENABLE=off MINIO_SCANNER_SPEED=slowest \
    "$MINIO_BIN" server --quiet --anonymous \
    --address "127.0.0.1:$MINIO_PORT" --console-address "127.0.0.1:$MINIO_CONSOLE_PORT" \
    --certs-dir "$dir/certs" "$dir/data" \
    >"$dir/minio.log" 2>&1 </dev/null 9>&- &
  pid=$!
  printf '%s\n' "$pid" >"$dir/minio.pid"
  wait_until minio "$pid" "$dir/minio.log" minio_ready
  log "minio $(minio_version): ready on 127.0.0.1:$MINIO_PORT (console :$MINIO_CONSOLE_PORT," \
    "pid $pid) in $(since "$t0")s"
}

stop_minio() {
  local pid
  pid=$(minio_pid)
  if ! pid_alive "$pid"; then
    log "minio: not running"
    return 0
  fi
  stop_pid minio "$pid"
  log "minio: stopped"
}

# ---------------------------------------------------------------------------------------------
# Elasticsearch, the integ-test-zip distribution from Maven Central

ES_HOME=$CACHE/elasticsearch-$ES_VERSION

es_java_home() {
  local j
  if [ -n "${YEKUO_ES_JAVA_HOME:-}" ]; then
    printf '%s' "$YEKUO_ES_JAVA_HOME"
    return 0
  fi
  # Elasticsearch 8.19 runs on Java 17 to 24; prefer Debian's LTS builds, then Temurin.
  for j in /usr/lib/jvm/java-17-openjdk-* /usr/lib/jvm/java-21-openjdk-* \
    /usr/lib/jvm/temurin-21-* /usr/lib/jvm/temurin-17-* /usr/lib/jvm/temurin-25-*; do
    if [ -x "$j/bin/java" ]; then
      printf '%s' "$j"
      return 0
    fi
  done
  return 1
}

install_elasticsearch() {
  [ -x "$ES_HOME/bin/elasticsearch" ] && return 0
  local t0 zip tmp
  t0=$(now)
  es_java_home >/dev/null || apt_install openjdk-17-jre-headless
  es_java_home >/dev/null || die "elasticsearch: no Java 17+ runtime under /usr/lib/jvm"
  need_cmd mvn maven
  need_cmd unzip unzip
  zip=$CACHE/downloads/elasticsearch-$ES_VERSION.zip
  if [ ! -s "$zip" ]; then
    log "elasticsearch: fetching org.elasticsearch.distribution.integ-test-zip:elasticsearch:$ES_VERSION:zip"
    mkdir -p "$CACHE/downloads" "$CACHE/maven/repo"
    (cd "$CACHE" && mvn -B -q -Dmaven.repo.local="$CACHE/maven/repo" "$MAVEN_DEPENDENCY_PLUGIN:copy" \
      -Dartifact="org.elasticsearch.distribution.integ-test-zip:elasticsearch:$ES_VERSION:zip" \
      -DoutputDirectory="$CACHE/downloads" -Dmdep.overWriteReleases=true) \
      >"$LOGS/elasticsearch-fetch.log" 2>&1 || {
      tail -n 30 "$LOGS/elasticsearch-fetch.log" >&2
      die "elasticsearch: mvn dependency:copy failed (log: $LOGS/elasticsearch-fetch.log)"
    }
  fi
  tmp=$(mktemp -d "$CACHE/.unzip.XXXXXX")
  unzip -q "$zip" -d "$tmp" || die "elasticsearch: cannot unzip $zip"
  rm -rf "$ES_HOME"
  mv "$tmp/elasticsearch-$ES_VERSION" "$ES_HOME"
  rm -rf "$tmp"
  chmod -R a+rX "$ES_HOME"
  log "elasticsearch: installed $ES_VERSION in $(since "$t0")s"
}

# The integ-test-zip lacks modules the official image has (rest-root: GET /, the Python client's
# info() and ping(); analysis-common: the cjk_width and cjk_bigram filters of yekuo's mapping).
# A small plugin, compiled here against the distribution's own jars, adds those parts back.
ES_PLUGIN_SRC=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/services/es-test-node/IntegTestZipPlugin.java

install_es_test_plugin() {
  local dest=$ES_HOME/plugins/yekuo-test-node java_home tmp digest
  [ -r "$ES_PLUGIN_SRC" ] || die "elasticsearch: $ES_PLUGIN_SRC is missing"
  digest=$(sha256sum "$ES_PLUGIN_SRC" | cut -d' ' -f1)
  [ "$(cat "$dest/source.sha256" 2>/dev/null)" = "$digest" ] && return 0
  java_home=$(es_java_home) || die "elasticsearch: no Java 17+ runtime under /usr/lib/jvm"
  if [ ! -x "$java_home/bin/javac" ]; then
    case $java_home in
    */java-17-openjdk-*) apt_install openjdk-17-jdk-headless ;;
    esac
  fi
  [ -x "$java_home/bin/javac" ] || die "elasticsearch: no javac in $java_home to build the test plugin"
  tmp=$(mktemp -d "$CACHE/.es-plugin.XXXXXX")
  if ! { "$java_home/bin/javac" --release 17 -cp "$ES_HOME/lib/*" -d "$tmp/classes" \
    "$ES_PLUGIN_SRC" && "$java_home/bin/jar" --create --file "$tmp/yekuo-test-node.jar" \
    -C "$tmp/classes" .; } >"$LOGS/es-plugin-build.log" 2>&1; then
    tail -n 30 "$LOGS/es-plugin-build.log" >&2
    rm -rf "$tmp"
    die "elasticsearch: cannot build the test plugin (log: $LOGS/es-plugin-build.log)"
  fi
  cat >"$tmp/plugin-descriptor.properties" <<EOF
description=The parts of the full distribution yekuo's tests need (GET /, cjk_width, cjk_bigram)
version=$ES_VERSION
name=yekuo-test-node
classname=yekuo.testsupport.IntegTestZipPlugin
java.version=17
elasticsearch.version=$ES_VERSION
EOF
  printf '%s\n' "$digest" >"$tmp/source.sha256"
  rm -rf "$tmp/classes" "$dest"
  mv "$tmp" "$dest"
  chmod -R a+rX "$dest"
  log "elasticsearch: built the test plugin yekuo-test-node"
}

es_pid() { read_pid "$RUN/elasticsearch/elasticsearch.pid"; }
elasticsearch_running() { pid_alive "$(es_pid)"; }
es_ready() {
  curl -fsS --max-time 5 \
    "http://127.0.0.1:$ES_PORT/_cluster/health?wait_for_status=yellow&timeout=2s" |
    grep -q '"status":"\(green\|yellow\)"'
}
elasticsearch_version() { if [ -d "$ES_HOME" ]; then printf '%s' "$ES_VERSION"; fi; }

start_elasticsearch() {
  local t0 dir java_home pid
  t0=$(now)
  if elasticsearch_running && es_ready; then
    log "elasticsearch: already running (pid $(es_pid))"
    return 0
  fi
  need_cmd curl curl
  install_elasticsearch
  install_es_test_plugin
  java_home=$(es_java_home) || die "elasticsearch: no Java 17+ runtime under /usr/lib/jvm"
  if elasticsearch_running; then stop_pid elasticsearch "$(es_pid)"; fi
  port_open "$ES_PORT" && port_taken_die elasticsearch "$ES_PORT"
  port_open "$ES_TRANSPORT_PORT" && port_taken_die "elasticsearch (transport)" "$ES_TRANSPORT_PORT"

  dir=$(fresh_run_dir elasticsearch)
  mkdir -p "$dir/config" "$dir/data" "$dir/logs" "$dir/tmp"
  cp -R "$ES_HOME/config/." "$dir/config/"
  cat >"$dir/config/elasticsearch.yml" <<EOF
# yekuo throwaway test node: loopback only, single node, no security, no disk watermarks
cluster.name: yekuo-test
node.name: yekuo-test
discovery.type: single-node
network.host: 127.0.0.1
http.port: $ES_PORT
transport.port: $ES_TRANSPORT_PORT
path.data: $dir/data
path.logs: $dir/logs
xpack.security.enabled: false
cluster.routing.allocation.disk.threshold_enabled: false
action.destructive_requires_name: false
EOF
  if is_root; then chown -R "$SVC_USER:$SVC_USER" "$dir"; fi

  # -d: the launcher detaches once the node has started (or failed to); -p: the node's pid.
  # The working directory is logs/: the distribution's jvm.options writes gc.log there.
  if ! (cd "$dir/logs" && setsid "${SVC[@]}" env ES_JAVA_HOME="$java_home" ES_PATH_CONF="$dir/config" \
    ES_TMPDIR="$dir/tmp" ES_JAVA_OPTS="-Xms$ES_HEAP -Xmx$ES_HEAP" \
    "$ES_HOME/bin/elasticsearch" -d -p "$dir/elasticsearch.pid" \
    >"$dir/launcher.log" 2>&1 </dev/null 9>&-); then
    tail -n 40 "$dir/launcher.log" >&2 || true
    die "elasticsearch: could not start (logs: $dir/launcher.log, $dir/logs/)"
  fi
  pid=$(es_pid)
  [ -n "$pid" ] || die "elasticsearch: started without writing a pid file (log: $dir/launcher.log)"
  wait_until elasticsearch "$pid" "$dir/logs/yekuo-test.log" es_ready
  log "elasticsearch $ES_VERSION: ready on 127.0.0.1:$ES_PORT (pid $pid, Java" \
    "$(basename "$java_home")) in $(since "$t0")s"
}

stop_elasticsearch() {
  local pid
  pid=$(es_pid)
  if ! pid_alive "$pid"; then
    log "elasticsearch: not running"
    return 0
  fi
  stop_pid elasticsearch "$pid"
  log "elasticsearch: stopped"
}

# ---------------------------------------------------------------------------------------------
# OpenLDAP (Debian's slapd), our own process seeded with scripts/services/ldap/seed.ldif

LDAP_PORT=55389
LDAP_BASE_DN=dc=yekuo,dc=test
LDAP_BIND_DN=cn=yekuo-reader,ou=services,dc=yekuo,dc=test
LDAP_BIND_PASSWORD=reader-secret-2026
LDAP_SEED=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/services/ldap/seed.ldif

ldap_pid() { read_pid "$RUN/ldap/slapd.pid"; }
ldap_running() { pid_alive "$(ldap_pid)"; }
ldap_ready() {
  ldapwhoami -x -o nettimeout=2 -H "ldap://127.0.0.1:$LDAP_PORT/" \
    -D "$LDAP_BIND_DN" -w "$LDAP_BIND_PASSWORD"
}
ldap_version() { if command -v slapd >/dev/null 2>&1; then dpkg-query -W -f='${Version}' slapd; fi; }

# Debian's slapd package starts a daemon of its own on port 389 when it can; ours is the only
# one the tests use, so the package's is stopped and kept from starting at boot.
stop_debian_slapd() {
  if [ -r /run/slapd/slapd.pid ] && pid_alive "$(read_pid /run/slapd/slapd.pid)"; then
    log "ldap: stopping the slapd that Debian's package started"
    stop_pid "slapd (Debian's)" "$(read_pid /run/slapd/slapd.pid)"
  fi
  if command -v systemctl >/dev/null 2>&1 && [ -d /run/systemd/system ]; then
    systemctl disable --now slapd >/dev/null 2>&1 || true
  elif command -v update-rc.d >/dev/null 2>&1; then
    update-rc.d slapd disable >/dev/null 2>&1 || true
  fi
}

install_ldap() {
  if ! command -v slapd >/dev/null 2>&1 || ! command -v ldapwhoami >/dev/null 2>&1; then
    apt_install slapd ldap-utils
    stop_debian_slapd
  fi
  command -v slapd >/dev/null 2>&1 || die "ldap: slapd is still missing after installing slapd"
}

# write_slapd_conf DIR: a loopback test directory in DIR (config, data, pid file).
write_slapd_conf() {
  local dir=$1
  cat >"$dir/slapd.conf" <<EOF
# yekuo throwaway test directory: loopback only; only yekuo's service account may search
include /etc/ldap/schema/core.schema
include /etc/ldap/schema/cosine.schema
include /etc/ldap/schema/inetorgperson.schema
include /etc/ldap/schema/nis.schema
modulepath /usr/lib/ldap
moduleload back_mdb
pidfile $dir/slapd.pid
argsfile $dir/slapd.args
database mdb
maxsize 67108864
suffix "$LDAP_BASE_DN"
directory $dir/data
access to attrs=userPassword by anonymous auth by * none
access to * by users read by * none
EOF
}

start_ldap() {
  local t0 dir pid
  t0=$(now)
  if ldap_running && ldap_ready >/dev/null 2>&1; then
    log "ldap: already running (pid $(ldap_pid))"
    return 0
  fi
  install_ldap
  if ldap_running; then stop_pid ldap "$(ldap_pid)"; fi
  port_open "$LDAP_PORT" && port_taken_die ldap "$LDAP_PORT"

  dir=$(fresh_run_dir ldap)
  as_svc mkdir -p "$dir/data"
  write_slapd_conf "$dir"
  if is_root; then chown "$SVC_USER:$SVC_USER" "$dir/slapd.conf"; fi
  # Absolute paths: the service user's reset environment has no /usr/sbin on its PATH.
  as_svc "$(command -v slapadd)" -q -f "$dir/slapd.conf" -l "$LDAP_SEED" >"$dir/slapadd.log" 2>&1 || {
    tail -n 20 "$dir/slapadd.log" >&2
    die "ldap: seeding the directory failed (log: $dir/slapadd.log)"
  }
  # -d 0: stay in the foreground (this script keeps the pid) and log to the file.
  setsid "${SVC[@]}" "$(command -v slapd)" -d 0 -f "$dir/slapd.conf" -h "ldap://127.0.0.1:$LDAP_PORT/" \
    >"$dir/slapd.log" 2>&1 </dev/null 9>&- &
  pid=$!
  wait_until ldap "$pid" "$dir/slapd.log" ldap_ready
  log "ldap slapd $(ldap_version): ready on 127.0.0.1:$LDAP_PORT (pid $(ldap_pid)) in $(since "$t0")s"
}

stop_ldap() {
  local pid
  pid=$(ldap_pid)
  if ! pid_alive "$pid"; then
    log "ldap: not running"
    return 0
  fi
  stop_pid ldap "$pid"
  log "ldap: stopped"
}

ldap_env() {
  if ldap_running; then
    echo "export YEKUO_TEST_LDAP_URL='ldap://127.0.0.1:$LDAP_PORT'"
    echo "export YEKUO_TEST_LDAP_BASE_DN='$LDAP_BASE_DN'"
    echo "export YEKUO_TEST_LDAP_BIND_DN='$LDAP_BIND_DN'"
    echo "export YEKUO_TEST_LDAP_BIND_PASSWORD='$LDAP_BIND_PASSWORD'"
  fi
}

# ---------------------------------------------------------------------------------------------
# commands

with_lock() {
  mkdir -p "$CACHE"
  exec 9>"$CACHE/.lock"
  if command -v flock >/dev/null 2>&1; then
    flock -w 3600 9 || die "could not lock $CACHE/.lock"
  fi
}

SELECTED=()
select_services() { # sets SELECTED to the servers named (all when none); dies on an unknown name
  local name
  SELECTED=()
  if [ $# -eq 0 ]; then
    SELECTED=("${ALL_SERVICES[@]}")
    return 0
  fi
  for name in "$@"; do
    case $name in
    postgres | postgresql | pg) SELECTED+=(postgres) ;;
    minio | s3) SELECTED+=(minio) ;;
    elasticsearch | es) SELECTED+=(elasticsearch) ;;
    ldap | slapd | openldap) SELECTED+=(ldap) ;;
    *) die "unknown server '$name' (known: ${ALL_SERVICES[*]})" ;;
    esac
  done
}

# Whether each server answers (after *_running): the checks start_* waits on.
postgres_answers() { pg_ready; }
minio_answers() { minio_ready; }
elasticsearch_answers() { es_ready; }
ldap_answers() { ldap_ready; }

cmd_start() {
  local name was_up
  select_services "$@"
  with_lock
  prepare_cache
  for name in "${SELECTED[@]}"; do
    was_up=0
    if "${name}_running" && "${name}_answers" >/dev/null 2>&1; then was_up=1; fi
    "start_$name" || die "$name could not be started"
    # stdout: the servers this call started, for a caller that stops only those.
    if [ "$was_up" -eq 0 ]; then printf '%s\n' "$name"; fi
  done
}

cmd_stop() {
  local name
  select_services "$@"
  with_lock
  for name in "${SELECTED[@]}"; do
    "stop_$name"
  done
}

cmd_status() {
  local name pid port rc=0
  for name in "${ALL_SERVICES[@]}"; do
    case $name in
    postgres) pid=$(pg_pid) port=$PG_PORT ;;
    minio) pid=$(minio_pid) port=$MINIO_PORT ;;
    elasticsearch) pid=$(es_pid) port=$ES_PORT ;;
    ldap) pid=$(ldap_pid) port=$LDAP_PORT ;;
    esac
    if pid_alive "$pid"; then
      printf '%-14s running  pid %-8s 127.0.0.1:%-6s %s\n' "$name" "$pid" "$port" "$("${name}_version")"
    else
      printf '%-14s stopped\n' "$name"
      rc=3
    fi
  done
  printf 'cache: %s\n' "$CACHE"
  return "$rc"
}

cmd_env() {
  if postgres_running; then
    echo "export YEKUO_TEST_DATABASE_URL='postgresql+psycopg://$PG_USER:$PG_PASSWORD@127.0.0.1:$PG_PORT/$PG_DB'"
  fi
  if minio_running; then
    echo "export YEKUO_TEST_S3_ENDPOINT='127.0.0.1:$MINIO_PORT'"
    echo "export YEKUO_TEST_S3_ACCESS_KEY='$MINIO_ACCESS_KEY'"
    echo "export YEKUO_TEST_S3_SECRET_KEY='$MINIO_SECRET_KEY'"
  fi
  if elasticsearch_running; then
    echo "export YEKUO_TEST_ELASTICSEARCH_URL='http://127.0.0.1:$ES_PORT'"
  fi
  ldap_env
}

usage() {
  sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//' >&2
  exit 2
}

main() {
  [ $# -ge 1 ] || usage
  local cmd=$1
  shift
  case $cmd in
  start) cmd_start "$@" ;;
  stop) cmd_stop "$@" ;;
  status) cmd_status ;;
  env) cmd_env ;;
  -h | --help | help) usage ;;
  *) usage ;;
  esac
}

main "$@"
