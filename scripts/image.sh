#!/usr/bin/env bash
# Builds the agent's JVM image into a local Docker engine without any registry.
#   scripts/image.sh [--tag NAME] [--no-package] [--base-only]
# 1. A base image from Debian's packages: a jlinked Java 17 runtime (Debian's openjdk-17-jdk-headless, only the
#    modules the agent uses) on a minimal root (libc6, libgcc-s1, libstdc++6, zlib1g unpacked with dpkg-deb: no
#    shell, no package manager), imported with `docker import`. Cached: rebuilt only when the JDK, the module list
#    or a package version changes (the tag carries a hash of those).
# 2. `./mvnw package` (unless --no-package, or target/quarkus-app is newer than every source file), then
#    `docker build --network none` of src/main/docker/Dockerfile.jvm on that base.
# Prints the image's size and how long each step took. Engine: $DOCKER_HOST, else the private Docker that
# scripts/runtimes.sh starts (unix:///tmp/phoenix-runtimes/docker.sock).
set -euo pipefail
cd "$(dirname "$0")/.."

TAG=phoenix-metrics:jvm
PACKAGE=auto
BASE_ONLY=0
while [ $# -gt 0 ]; do
  case $1 in
    --tag) TAG=$2; shift 2 ;;
    --no-package) PACKAGE=no; shift ;;
    --base-only) BASE_ONLY=1; shift ;;
    -h|--help) sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "unknown option $1 (--help)" >&2; exit 2 ;;
  esac
done

export DOCKER_HOST=${DOCKER_HOST:-unix://${PHOENIX_RUNTIME_DIR:-/tmp/phoenix-runtimes}/docker.sock}
JDK=${PHOENIX_IMAGE_JDK:-/usr/lib/jvm/java-17-openjdk-$(dpkg --print-architecture)}
CACHE=${PHOENIX_IMAGE_CACHE:-/var/cache/phoenix-image}
LIBS=(libc6 libgcc-s1 libstdc++6 zlib1g)
# What the agent uses: jdeps over target/quarkus-app names java.base, java.naming, java.sql, jdk.management,
# jdk.unsupported, plus java.desktop (only java.beans annotations, which Jackson reads optionally: left out, with
# AWT) and jdk.compiler (dev mode only). The rest are loaded reflectively (logging, JMX, XML, DNS, zipfs, EC).
MODULES=java.base,java.logging,java.management,java.naming,java.net.http,java.sql,java.xml,java.security.jgss,jdk.crypto.ec,jdk.management,jdk.unsupported,jdk.zipfs,jdk.naming.dns

log() { printf '[image] %s\n' "$*" >&2; }
since() { echo "$(($(date +%s) - $1))s"; }

command -v docker >/dev/null || { log "no docker client (package docker.io; scripts/runtimes.sh install)"; exit 1; }
docker version --format '{{.Server.Version}}' >/dev/null 2>&1 \
  || { log "no Docker engine answers on $DOCKER_HOST (scripts/runtimes.sh up)"; exit 1; }
if [ ! -x "$JDK/bin/jlink" ] || [ ! -d "$JDK/jmods" ]; then
  bash scripts/runtimes.sh install openjdk-17-jdk-headless
fi

# Versions of what goes into the base: the tag changes when any of them does.
versions() {
  local p
  "$JDK/bin/java" -version 2>&1 | head -n 1
  echo "$MODULES"
  for p in "${LIBS[@]}"; do echo "$p $(apt-cache policy "$p" | sed -n 's/^ *Candidate: //p')"; done
}

build_base() {
  local t0 root tmp p
  t0=$(date +%s)
  tmp=$(mktemp -d)
  root=$tmp/root
  trap 'rm -rf "$tmp"' RETURN
  mkdir -p "$CACHE/debs" "$root"
  # apt-get download needs package lists; refresh them once if this machine has none for our packages yet.
  if ! (cd "$CACHE/debs" && apt-get download -qq "${LIBS[@]}" 2>/dev/null); then
    apt-get update -qq
    (cd "$CACHE/debs" && apt-get download -qq "${LIBS[@]}")
  fi
  for p in "${LIBS[@]}"; do
    dpkg-deb -x "$(ls -t "$CACHE/debs/${p}"_*.deb | head -n 1)" "$root"
  done
  # Only the shared libraries: no docs, locales, iconv modules or helper programs.
  rm -rf "$root"/usr/share "$root"/usr/bin "$root"/usr/sbin "$root"/sbin "$root"/usr/libexec "$root"/etc/ld.so.conf.d \
    "$root"/usr/lib/*/gconv "$root"/usr/lib/*/audit "$root"/var
  "$JDK/bin/jlink" --add-modules "$MODULES" --strip-debug --no-man-pages --no-header-files --compress=2 \
    --output "$root/opt/java"
  mkdir -p "$root/tmp" "$root/etc" "$root/deployments"
  chmod 1777 "$root/tmp"
  printf 'root:x:0:0:root:/root:/nonexistent\nagent:x:185:185:agent:/deployments:/nonexistent\n' >"$root/etc/passwd"
  printf 'root:x:0:\nagent:x:185:\n' >"$root/etc/group"
  tar --numeric-owner -C "$root" -c . | docker import \
    --change 'ENV PATH=/opt/java/bin:/usr/bin:/bin' --change 'ENV JAVA_HOME=/opt/java' \
    --message "phoenix-metrics base: Debian libc + jlinked $("$JDK/bin/java" -version 2>&1 | head -n 1)" \
    - "$BASE" >/dev/null
  log "base $BASE built in $(since "$t0") ($(size "$BASE"))"
}

size() { docker image inspect --format '{{.Size}}' "$1" | awk '{printf "%.1f MB", $1 / 1000000}'; }

BASE=phoenix-metrics-base:jre17-$(versions | sha256sum | cut -c1-12)
if docker image inspect "$BASE" >/dev/null 2>&1; then
  log "base $BASE cached ($(size "$BASE"))"
else
  build_base
fi
[ $BASE_ONLY = 1 ] && { echo "$BASE"; exit 0; }

if [ $PACKAGE = auto ]; then
  if [ -f target/quarkus-app/quarkus-run.jar ] \
    && [ -z "$(find src/main pom.xml -newer target/quarkus-app/quarkus-run.jar -type f | head -n 1)" ]; then
    PACKAGE=no
  else
    PACKAGE=yes
  fi
fi
if [ $PACKAGE = yes ]; then
  t0=$(date +%s)
  ./mvnw -B -q package -DskipTests -Druntimes.skip=true
  log "packaged in $(since "$t0")"
fi
[ -f target/quarkus-app/quarkus-run.jar ] || { log "target/quarkus-app missing (./mvnw package)"; exit 1; }

t0=$(date +%s)
# The classic builder: this Docker (20.10) and the client may disagree on BuildKit; nothing here needs it.
DOCKER_BUILDKIT=0 docker build -q --network none --build-arg "BASE=$BASE" -f src/main/docker/Dockerfile.jvm -t "$TAG" . >/dev/null
log "image $TAG built in $(since "$t0") on $BASE"
echo "$TAG $(size "$TAG")"
