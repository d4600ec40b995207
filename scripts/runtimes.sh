#!/usr/bin/env bash
# Real Docker and Podman engines and a CRI containerd on private sockets, for the tests and for developers.
#   scripts/runtimes.sh install [PKG...]  apt-install what is missing, plus extra packages (root)
#   scripts/runtimes.sh up        start the engines and the CRI containerd (idempotent), import the busybox test image
#   scripts/runtimes.sh down      stop what this script started
#   scripts/runtimes.sh status    say which socket answers
#   scripts/runtimes.sh env       print export lines for the socket paths (CONTAINER_RUNTIME_ENDPOINT for CRI)
#   scripts/runtimes.sh pod NAME [NAMESPACE]  run a CRI pod NAME (host network) with one busybox container NAME; prints its id
#   scripts/runtimes.sh unpod NAME            stop and remove that pod (and its cgroup parent)
# Everything lives in $PHOENIX_RUNTIME_DIR (default /tmp/phoenix-runtimes): docker.sock, podman.sock, logs, pidfiles.
# Why the flags: Debian 12 VMs with cgroup v1 "hybrid", no systemd/journald, no registry (see shared/RUNTIMES.md).
set -euo pipefail

DIR=${PHOENIX_RUNTIME_DIR:-/tmp/phoenix-runtimes}
DOCKER_SOCK=$DIR/docker.sock
PODMAN_SOCK=$DIR/podman.sock
CONTAINERD_SOCK=$DIR/containerd/containerd.sock
# A second containerd with the CRI plugin, for Kubernetes-style pods: its own root, state and socket, so CRI pods
# (namespace k8s.io) and Docker's containers (moby) never share a daemon that a CRI test might restart.
CRI_DIR=$DIR/cri
CRI_SOCK=$CRI_DIR/containerd.sock
CRI_IMAGE=localhost/phoenix-busybox:latest
WAIT_SECONDS=${PHOENIX_RUNTIME_WAIT:-60}
# netavark/aardvark-dns named explicitly: with --no-install-recommends apt would satisfy podman's
# "container-network-stack" with CNI plugins instead, a different network backend than the one tested here.
# prometheus: promtool, which the test suite runs on a live scrape, and the server binary, which
# RealPrometheusScrapeTest runs itself on loopback (the packaged service is not started).
# chromium, chromium-driver: LivePageTest drives the built-in page in headless Chromium.
PACKAGES=(docker.io podman runc busybox-static netavark aardvark-dns curl prometheus chromium chromium-driver)
# kubectl (Debian's kubernetes-client) renders the kustomizations in k8s/ for KustomizeTest; a kubectl already on
# PATH (another vendor's package) does as well, and would conflict with Debian's over /usr/bin/kubectl.
command -v kubectl >/dev/null || PACKAGES+=(kubernetes-client)
# The same test image under two names on each engine, so tests can use either spelling.
DOCKER_IMAGES=(busybox:local localhost/busybox:latest)
PODMAN_IMAGES=(localhost/busybox:latest localhost/busybox:local)
APPLETS=(sh sleep yes dd cat echo true false head tail seq nc httpd wget kill ls rm mkdir touch sync ps env hostname ip grep wc)

log() { printf '[runtimes] %s\n' "$*" >&2; }

missing_packages() {
  local p
  for p in "$@"; do
    [ "$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null)" = "install ok installed" ] || printf '%s ' "$p"
  done
}

# install [EXTRA...]: our packages plus any extra ones (.ci/run adds its own), one apt run for all.
install() {
  local missing guard=0 rc=0
  missing=$(missing_packages "${PACKAGES[@]}" "$@")
  [ -z "$missing" ] && return 0
  if [ "$(id -u)" != 0 ]; then
    log "missing packages: $missing"
    echo "sudo apt-get update && sudo apt-get install -y --no-install-recommends $missing" >&2
    exit 1
  fi
  log "installing $missing"
  # Installing must not start the packaged services (a system dockerd on /var/run/docker.sock, prometheus on
  # :9090): policy-rc.d answering 101 tells invoke-rc.d and deb-systemd-invoke not to. Only if none is there.
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
    chmod 755 /usr/sbin/policy-rc.d
    guard=1
  fi
  # shellcheck disable=SC2086
  { DEBIAN_FRONTEND=noninteractive apt-get update -qq \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing >/dev/null; } || rc=$?
  if [ $guard = 1 ]; then rm -f /usr/sbin/policy-rc.d; fi
  if [ $rc != 0 ]; then log "apt-get failed (exit $rc)"; exit $rc; fi
}

answers() { curl -sf --max-time 3 --unix-socket "$1" http://localhost/_ping >/dev/null 2>&1; }

# PID from $DIR/NAME.pid, only if that process is still one of ours (its command line names $DIR): guards
# against stale pidfiles and PID reuse, and never touches a system dockerd/containerd/podman.
our_pid() {
  local f=$DIR/$1.pid pid
  [ -f "$f" ] || return 1
  pid=$(cat "$f" 2>/dev/null) || return 1
  [ -n "$pid" ] && [ -r "/proc/$pid/cmdline" ] || return 1
  [[ "$(tr '\0' ' ' <"/proc/$pid/cmdline")" == *"$DIR/"* ]] || return 1
  echo "$pid"
}

# Start a daemon detached (own session: survives the calling shell, no SIGINT/SIGHUP from its terminal),
# recording its real PID; setsid may fork, so the PID is written from inside before exec.
spawn() {
  local name=$1 logfile=$2 i
  shift 2
  rm -f "$DIR/$name.pid"
  # Started from $DIR, not the caller's directory: the daemons (and every conmon Podman forks) inherit the working
  # directory, and a deleted one (a removed clone) makes conmon fail every container start with "broken pipe".
  setsid bash -c 'cd "$1" && echo $$ >"$0.tmp" && mv "$0.tmp" "$0" && shift && exec "$@"' "$DIR/$name.pid" "$DIR" "$@" \
    </dev/null >"$logfile" 2>&1 &
  for ((i = 0; i < 40; i++)); do
    [ -s "$DIR/$name.pid" ] && return 0
    sleep 0.05
  done
}

wait_for() {
  local what=$1 logfile=$2 name=$3 i
  shift 3
  for ((i = 0; i < WAIT_SECONDS * 4; i++)); do
    "$@" && return 0
    if ! our_pid "$name" >/dev/null; then
      log "$what exited during startup; last lines of $logfile:"
      tail -n 30 "$logfile" >&2 || true
      exit 1
    fi
    sleep 0.25
  done
  log "$what not ready within ${WAIT_SECONDS}s; last lines of $logfile:"
  tail -n 30 "$logfile" >&2 || true
  exit 1
}

# dockerd 20.10 starts its own containerd only when /run/containerd/containerd.sock is absent; if a system
# containerd (or a stale socket) is there it silently uses that one instead. So we run our own containerd on a
# private socket and pass --containerd: nothing shared with a system Docker, and `down` can stop it.
start_containerd() {
  [ -S "$CONTAINERD_SOCK" ] && our_pid containerd >/dev/null && return 0
  mkdir -p "$DIR/containerd"
  rm -f "$CONTAINERD_SOCK"
  cat >"$DIR/containerd/config.toml" <<CONF
version = 2
root = "$DIR/containerd/root"
state = "$DIR/containerd/state"
disabled_plugins = ["io.containerd.grpc.v1.cri"]
[grpc]
  address = "$CONTAINERD_SOCK"
CONF
  log "starting containerd on $CONTAINERD_SOCK"
  spawn containerd "$DIR/containerd.log" containerd --config "$DIR/containerd/config.toml"
  wait_for containerd "$DIR/containerd.log" containerd test -S "$CONTAINERD_SOCK"
}

# cri_config DIR: containerd config with the CRI plugin on DIR/containerd.sock (see shared notes on CRI): runc may
# not touch oom_score_adj here, no registry (local pause image), no CNI (pods use the node's network), cgroupfs.
cri_config() {
  local d=$1
  mkdir -p "$d/cni-bin" "$d/cni-conf"
  cat >"$d/config.toml" <<CONF
version = 2
root = "$d/root"
state = "$d/state"
[grpc]
  address = "$d/containerd.sock"
[ttrpc]
  address = "$d/containerd.sock.ttrpc"
[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "$CRI_IMAGE"
  restrict_oom_score_adj = true
  stream_server_address = "127.0.0.1"
  stream_server_port = "0"
  enable_selinux = false
  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = "$d/cni-bin"
    conf_dir = "$d/cni-conf"
  [plugins."io.containerd.grpc.v1.cri".containerd]
    default_runtime_name = "runc"
  [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
    runtime_type = "io.containerd.runc.v2"
  [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
    SystemdCgroup = false
CONF
}

cri_answers() { [ -S "$1" ] && ctr --address "$1" version >/dev/null 2>&1; }

# The pause and workload image: busybox in an empty root whose entrypoint sleeps forever, as a docker-archive
# imported with ctr (no registry here). Re-imported when busybox or the applet list changes.
cri_import_image() {
  local sock=$1 stamp root layer diff cfg cfgsha
  stamp=$( (sha256sum /bin/busybox; echo "${APPLETS[*]}") | sha256sum | cut -c1-12)
  if ctr --address "$sock" -n k8s.io images ls -q 2>/dev/null | grep -qx "$CRI_IMAGE" \
    && [ "$(cat "$sock.image" 2>/dev/null)" = "$stamp" ]; then return 0; fi
  root=$(mktemp -d)
  mkdir -p "$root/fs/bin" "$root/fs/tmp" "$root/fs/etc" "$root/img/layer"
  cp /bin/busybox "$root/fs/bin/busybox"
  for n in "${APPLETS[@]}"; do ln -sf busybox "$root/fs/bin/$n"; done
  tar -C "$root/fs" -cf "$root/img/layer/layer.tar" .
  diff=$(sha256sum "$root/img/layer/layer.tar" | cut -d' ' -f1)
  cfg='{"architecture":"amd64","os":"linux","comment":"phoenix-busybox-'$stamp'","config":{"Entrypoint":["/bin/sleep","infinity"],"Env":["PATH=/bin"]},"rootfs":{"type":"layers","diff_ids":["sha256:'$diff'"]}}'
  cfgsha=$(printf '%s' "$cfg" | sha256sum | cut -d' ' -f1)
  printf '%s' "$cfg" >"$root/img/$cfgsha.json"
  printf '[{"Config":"%s.json","RepoTags":["%s"],"Layers":["layer/layer.tar"]}]' "$cfgsha" "$CRI_IMAGE" >"$root/img/manifest.json"
  tar -C "$root/img" -cf "$root/image.tar" .
  log "importing $CRI_IMAGE into the CRI containerd"
  ctr --address "$sock" -n k8s.io images import "$root/image.tar" >/dev/null
  echo "$stamp" >"$sock.image"
  rm -rf "$root"
}

# start_cri NAME DIR: a CRI containerd (pidfile NAME.pid) on DIR/containerd.sock, with the test image. Idempotent.
start_cri() {
  local name=$1 d=$2
  if ! { cri_answers "$d/containerd.sock" && our_pid "$name" >/dev/null; }; then
    if ! our_pid "$name" >/dev/null; then
      mkdir -p "$d"
      rm -f "$d/containerd.sock" "$d/containerd.sock.ttrpc"
      cri_config "$d"
      log "starting CRI containerd on $d/containerd.sock"
      spawn "$name" "$DIR/$name.log" containerd --config "$d/config.toml"
    fi
    wait_for "CRI containerd" "$DIR/$name.log" "$name" cri_answers "$d/containerd.sock"
  fi
  cri_import_image "$d/containerd.sock"
}

# The CRI driver (test code: pods are created through the same gRPC API the agent reads). Built on first use.
cri_driver() {
  local root cp
  root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
  cp=$root/target/cri-driver.classpath
  if [ ! -s "$cp" ] || [ ! -f "$root/target/test-classes/io/phoenix/metrics/testing/cri/CriDriver.class" ]; then
    (cd "$root" && ./mvnw -B -q test-compile dependency:build-classpath -Druntimes.skip=true \
      -Dmdep.outputFile="$cp" -Dmdep.includeScope=test >&2)
  fi
  java -cp "$root/target/test-classes:$root/target/classes:$(cat "$cp")" io.phoenix.metrics.testing.cri.CriDriver \
    "unix://$CRI_SOCK" "$@"
}

start_docker() {
  answers "$DOCKER_SOCK" && return 0
  if ! our_pid dockerd >/dev/null; then
    start_containerd
    mkdir -p "$DIR/docker-data" "$DIR/docker-exec"
    rm -f "$DOCKER_SOCK"
    # An empty config file so a system /etc/docker/daemon.json (hosts, data-root...) cannot interfere.
    echo '{}' >"$DIR/daemon.json"
    log "starting dockerd on $DOCKER_SOCK"
    # No default bridge and no iptables/NAT: tests use NetworkMode "none" or networks they create themselves.
    spawn dockerd "$DIR/dockerd.log" dockerd --config-file "$DIR/daemon.json" \
      --containerd "$CONTAINERD_SOCK" --iptables=false --ip-masq=false --bridge=none \
      --host "unix://$DOCKER_SOCK" --data-root "$DIR/docker-data" --exec-root "$DIR/docker-exec" \
      --pidfile "$DIR/docker-exec/dockerd.pid"
  fi
  wait_for dockerd "$DIR/dockerd.log" dockerd answers "$DOCKER_SOCK"
}

# Podman reads its engine settings from this file (CONTAINERS_CONF replaces the distro containers.conf), so
# containers created through the API need no extra options: runc (crun fails on cgroup v1 hybrid), cgroupfs (no
# systemd), ulimits that runc accepts, events to a file (no journald to read them back from), netavark networks.
write_containers_conf() {
  cat >"$DIR/containers.conf" <<'CONF'
[containers]
default_ulimits = ["nofile=1024:1024", "nproc=4096:4096"]
default_sysctls = ["net.ipv4.ping_group_range=0 0"]

[engine]
runtime = "runc"
cgroup_manager = "cgroupfs"
events_logger = "file"

[network]
network_backend = "netavark"
CONF
}

start_podman() {
  answers "$PODMAN_SOCK" && return 0
  if ! our_pid podman >/dev/null; then
    write_containers_conf
    rm -f "$PODMAN_SOCK"
    log "starting podman system service on $PODMAN_SOCK"
    CONTAINERS_CONF=$DIR/containers.conf spawn podman "$DIR/podman.log" \
      podman --runtime runc --cgroup-manager cgroupfs system service --time 0 "unix://$PODMAN_SOCK"
  fi
  wait_for podman "$DIR/podman.log" podman answers "$PODMAN_SOCK"
}

api() { curl -sf --max-time 60 --unix-socket "$1" "http://localhost/v1.41$2" "${@:3}"; }

# No registry is reachable: the test image is Debian's static busybox in an otherwise empty root. Imported
# through each engine's own API (POST /images/create?fromSrc=-), so it lands in the storage the service uses.
# The image Comment (not a label: labels would show up on every container) names the busybox build and the
# applet list, so a machine holding an older import gets the current one.
# (Output captured first: with pipefail, `curl | grep -q` fails whenever grep stops reading early.)
image_current() {
  local json
  json=$(api "$1" "/images/$2/json" 2>/dev/null) || return 1
  [[ "$json" == *"\"Comment\":\"phoenix-busybox-$3\""* ]]
}

import_images() {
  local root="" engine sock names first n stamp old
  stamp=$( (sha256sum /bin/busybox; echo "${APPLETS[*]}") | sha256sum | cut -c1-12)
  for engine in docker podman; do
    if [ $engine = docker ]; then sock=$DOCKER_SOCK; names=("${DOCKER_IMAGES[@]}"); else sock=$PODMAN_SOCK; names=("${PODMAN_IMAGES[@]}"); fi
    first=${names[0]}
    if ! image_current "$sock" "$first" "$stamp"; then
      if [ -z "$root" ]; then
        root=$(mktemp -d)
        mkdir -p "$root/bin" "$root/tmp" "$root/etc"
        cp /bin/busybox "$root/bin/busybox"
        for n in "${APPLETS[@]}"; do ln -sf busybox "$root/bin/$n"; done
        tar -C "$root" -cf "$root.tar" .
      fi
      old=$(api "$sock" "/images/$first/json" 2>/dev/null | grep -o '"Id":"[^"]*"' | head -n 1 | cut -d'"' -f4) || true
      log "importing $first into $engine"
      # Podman ignores the tag parameter here and always tags :latest, hence names ending in :latest for it.
      api "$sock" "/images/create?fromSrc=-&repo=${first%:*}&tag=${first##*:}&message=phoenix-busybox-$stamp" \
        -X POST -H 'Content-Type: application/x-tar' --data-binary "@$root.tar" >/dev/null
      # The previous import, unless containers still use it (then the engine refuses, which is fine).
      if [ -n "$old" ]; then api "$sock" "/images/$old" -X DELETE >/dev/null 2>&1 || true; fi
    fi
    for n in "${names[@]:1}"; do
      image_current "$sock" "$n" "$stamp" || api "$sock" "/images/$first/tag?repo=${n%:*}&tag=${n##*:}" -X POST >/dev/null
    done
  done
  if [ -n "$root" ]; then rm -rf "$root" "$root.tar"; fi
}

up() {
  local tools=1 t
  for t in dockerd containerd podman runc busybox curl; do command -v "$t" >/dev/null || tools=0; done
  if [ $tools = 0 ] || [ -n "$(missing_packages "${PACKAGES[@]}")" ]; then install; fi
  [ -x /bin/busybox ] || { log "/bin/busybox missing (package busybox-static)"; exit 1; }
  mkdir -p "$DIR"
  start_docker
  start_podman
  import_images
  start_cri cri "$CRI_DIR"
  echo "docker: unix://$DOCKER_SOCK"
  echo "podman: unix://$PODMAN_SOCK"
  echo "cri: unix://$CRI_SOCK"
}

stop_daemon() {
  local name=$1 limit=$2 pid i
  pid=$(our_pid "$name") || { rm -f "$DIR/$name.pid"; return 0; }
  log "stopping $name ($pid)"
  kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < limit * 4; i++)); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.25
  done
  if kill -0 "$pid" 2>/dev/null; then
    log "$name did not exit within ${limit}s: killing it"
    kill -KILL "$pid" 2>/dev/null || true
    sleep 0.5
  fi
  rm -f "$DIR/$name.pid"
}

down() {
  # Podman containers are not children of the service and keep running; only the API goes away.
  stop_daemon podman 30
  # dockerd first stops its running containers (each gets its stop timeout, 10 s by default), hence the long bound.
  stop_daemon dockerd 90
  # After dockerd, so it can still talk to containerd while shutting containers down.
  stop_daemon containerd 30
  # CRI pods' shims keep their containers running without containerd; only the API goes away (as with Podman).
  stop_daemon cri 30
  our_pid cri >/dev/null || rm -f "$CRI_SOCK" "$CRI_SOCK.ttrpc"
  # dockerd bind-mounts its data-root onto itself and undoes that on a clean exit; not after a SIGKILL.
  if ! our_pid dockerd >/dev/null && grep -qF " $DIR/docker-data " /proc/mounts; then
    umount "$DIR/docker-data" 2>/dev/null || true
  fi
  # Stale socket files only: a socket something still answers on is not ours to remove.
  local s
  for s in "$PODMAN_SOCK" "$DOCKER_SOCK"; do answers "$s" || rm -f "$s"; done
  our_pid containerd >/dev/null || rm -f "$CONTAINERD_SOCK"
}

status() {
  local name sock server
  for name in docker podman; do
    if [ $name = docker ]; then sock=$DOCKER_SOCK; else sock=$PODMAN_SOCK; fi
    if answers "$sock"; then
      server=$(curl -s --max-time 3 -o /dev/null -D - --unix-socket "$sock" http://localhost/_ping \
        | tr -d '\r' | sed -n 's/^Server: //Ip')
      echo "$name unix://$sock up ($server)"
    else
      echo "$name unix://$sock down"
    fi
  done
  if cri_answers "$CRI_SOCK"; then
    echo "cri unix://$CRI_SOCK up ($(ctr --address "$CRI_SOCK" version 2>/dev/null | sed -n '/Server/,$s/^ *Version: *//p' | head -n 1))"
  else
    echo "cri unix://$CRI_SOCK down"
  fi
}

case "${1:-}" in
  install) shift; install "$@" ;;
  up) up ;;
  down) down ;;
  status) status ;;
  env) printf 'export PHOENIX_DOCKER_SOCKET=%s\nexport PHOENIX_PODMAN_SOCKET=%s\nexport CONTAINER_RUNTIME_ENDPOINT=unix://%s\n' \
    "$DOCKER_SOCK" "$PODMAN_SOCK" "$CRI_SOCK" ;;
  # Internal: a throw-away CRI containerd of a test's own (restart tests must not stop the shared one).
  cri-up) start_cri "$2" "$3" ;;
  pod) [ -n "${2:-}" ] || { echo "usage: $0 pod NAME [NAMESPACE]" >&2; exit 2; }; cri_driver pod "$2" "${3:-default}" ;;
  unpod) [ -n "${2:-}" ] || { echo "usage: $0 unpod NAME" >&2; exit 2; }; cri_driver unpod "$2" ;;
  # Internal (measurements): pods N PREFIX, unpods N PREFIX.
  pods|unpods) cri_driver "$1" "$2" "$3" ;;
  *) echo "usage: $0 install|up|down|status|env|pod NAME [NAMESPACE]|unpod NAME" >&2; exit 2 ;;
esac
