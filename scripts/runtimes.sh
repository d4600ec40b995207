#!/usr/bin/env bash
# Real Docker and Podman engines on private sockets, for the tests and for developers.
#   scripts/runtimes.sh install   apt-install what is missing (root)
#   scripts/runtimes.sh up        start both engines (idempotent) and import the busybox test image
#   scripts/runtimes.sh down      stop the engines this script started
#   scripts/runtimes.sh status    say which socket answers
#   scripts/runtimes.sh env       print export lines for the socket paths
# Sockets live in $PHOENIX_RUNTIME_DIR (default /tmp/phoenix-runtimes): docker.sock and podman.sock.
# See ../shared/RUNTIMES.md for why each flag is there (cgroup v1 hybrid hosts, no registry, no bridge).
set -euo pipefail

DIR=${PHOENIX_RUNTIME_DIR:-/tmp/phoenix-runtimes}
DOCKER_SOCK=$DIR/docker.sock
PODMAN_SOCK=$DIR/podman.sock
PACKAGES=(docker.io podman runc busybox-static curl)
DOCKER_IMAGE=busybox:local
PODMAN_IMAGE=localhost/busybox:latest
WAIT_SECONDS=${PHOENIX_RUNTIME_WAIT:-90}

log() { printf '[runtimes] %s\n' "$*" >&2; }

missing_packages() {
  local p
  for p in "${PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || printf '%s ' "$p"
  done
}

install() {
  local missing
  missing=$(missing_packages)
  [ -z "$missing" ] && return 0
  if [ "$(id -u)" != 0 ]; then
    log "missing packages: $missing"
    log "run: sudo apt-get update && sudo apt-get install -y --no-install-recommends $missing"
    exit 1
  fi
  log "installing $missing"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  # shellcheck disable=SC2086
  apt-get install -y -qq --no-install-recommends $missing >/dev/null
}

answers() { curl -sf --max-time 2 --unix-socket "$1" http://localhost/_ping >/dev/null 2>&1; }

wait_for() {
  local sock=$1 name=$2 logfile=$3 i
  for ((i = 0; i < WAIT_SECONDS * 4; i++)); do
    answers "$sock" && return 0
    sleep 0.25
  done
  log "$name did not answer on $sock within ${WAIT_SECONDS}s; last lines of $logfile:"
  tail -n 30 "$logfile" >&2 || true
  exit 1
}

# Podman reads its engine settings from here, for the service and for our CLI calls alike, so that containers
# created through the API get runc (crun fails on cgroup v1 hybrid), cgroupfs (no systemd) and ulimits that
# runc accepts. Events go to a file: there is no journald to read them back from.
write_containers_conf() {
  cat >"$DIR/containers.conf" <<'CONF'
[containers]
default_ulimits = ["nofile=1024:1024", "nproc=4096:4096"]

[engine]
runtime = "runc"
cgroup_manager = "cgroupfs"
events_logger = "file"
CONF
}

podman_cli() { CONTAINERS_CONF=$DIR/containers.conf podman --runtime runc --cgroup-manager cgroupfs "$@"; }

start_docker() {
  if answers "$DOCKER_SOCK"; then return 0; fi
  log "starting dockerd on $DOCKER_SOCK"
  mkdir -p "$DIR/docker-data" "$DIR/docker-exec"
  # No bridge, no iptables: the tests' containers use --network none or networks they create themselves.
  nohup dockerd --iptables=false --ip-masq=false --bridge=none \
    --host "unix://$DOCKER_SOCK" --data-root "$DIR/docker-data" --exec-root "$DIR/docker-exec" \
    --pidfile "$DIR/dockerd.pid" >"$DIR/dockerd.log" 2>&1 &
  wait_for "$DOCKER_SOCK" dockerd "$DIR/dockerd.log"
}

start_podman() {
  if answers "$PODMAN_SOCK"; then return 0; fi
  log "starting podman system service on $PODMAN_SOCK"
  rm -f "$PODMAN_SOCK"
  CONTAINERS_CONF=$DIR/containers.conf nohup podman --runtime runc --cgroup-manager cgroupfs \
    system service --time 0 "unix://$PODMAN_SOCK" >"$DIR/podman.log" 2>&1 &
  echo $! >"$DIR/podman.pid"
  wait_for "$PODMAN_SOCK" podman "$DIR/podman.log"
}

# No registry is reachable: the test image is Debian's static busybox in an otherwise empty root.
import_images() {
  local root
  if ! docker -H "unix://$DOCKER_SOCK" image inspect "$DOCKER_IMAGE" >/dev/null 2>&1 \
    || ! podman_cli image exists "$PODMAN_IMAGE"; then
    root=$(mktemp -d)
    mkdir -p "$root/bin" "$root/tmp"
    cp /bin/busybox "$root/bin/busybox"
    for c in sh sleep yes dd cat echo head seq nc httpd wget kill true false sync ls rm mkdir; do
      ln -sf busybox "$root/bin/$c"
    done
    docker -H "unix://$DOCKER_SOCK" image inspect "$DOCKER_IMAGE" >/dev/null 2>&1 \
      || tar -C "$root" -c . | docker -H "unix://$DOCKER_SOCK" import - "$DOCKER_IMAGE" >/dev/null
    podman_cli image exists "$PODMAN_IMAGE" \
      || tar -C "$root" -c . | podman_cli import --quiet - "$PODMAN_IMAGE" >/dev/null
    rm -rf "$root"
  fi
}

up() {
  install
  mkdir -p "$DIR"
  write_containers_conf
  start_docker
  start_podman
  import_images
  log "up: unix://$DOCKER_SOCK unix://$PODMAN_SOCK"
}

stop_pid() {
  local pidfile=$1 name=$2 pid i
  [ -f "$pidfile" ] || return 0
  pid=$(cat "$pidfile")
  if kill -0 "$pid" 2>/dev/null; then
    log "stopping $name ($pid)"
    kill -TERM "$pid" 2>/dev/null || true
    for ((i = 0; i < 120; i++)); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.25
    done
    kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -f "$pidfile"
}

down() {
  stop_pid "$DIR/podman.pid" podman
  # dockerd takes its containerd down with it on SIGTERM.
  stop_pid "$DIR/dockerd.pid" dockerd
  rm -f "$PODMAN_SOCK"
}

status() {
  local s
  for s in "$DOCKER_SOCK" "$PODMAN_SOCK"; do
    if answers "$s"; then echo "unix://$s up"; else echo "unix://$s down"; fi
  done
}

case "${1:-}" in
  install) install ;;
  up) up ;;
  down) down ;;
  status) status ;;
  env) printf 'export PHOENIX_DOCKER_SOCKET=%s\nexport PHOENIX_PODMAN_SOCKET=%s\n' "$DOCKER_SOCK" "$PODMAN_SOCK" ;;
  *) echo "usage: $0 install|up|down|status|env" >&2; exit 2 ;;
esac
