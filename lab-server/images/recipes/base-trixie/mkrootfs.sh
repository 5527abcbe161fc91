#!/bin/bash
# Builds the root filesystem of lab/base-trixie (Debian trixie) in TARGET: recipes/base/mkrootfs.sh
# with the suite as a fourth argument. (A copy, so that lab/base and every image built on it keep
# their hashes; when lab/base is rebuilt anyway, both can share this script.)
#
#   mkrootfs.sh TARGET MIRROR SECURITY_MIRROR [SUITE]
#
# Runs as root on the host. Only writes inside TARGET.
set -euo pipefail

target=$1
mirror=${2:-http://deb.debian.org/debian}
security=${3:-http://deb.debian.org/debian-security}
suite=${4:-trixie}

if [ -e "$target" ] && [ -n "$(ls -A "$target")" ]; then
  echo "mkrootfs: $target is not empty" >&2
  exit 2
fi

echo "I: debootstrap --variant=minbase $suite from $mirror"
debootstrap --variant=minbase "$suite" "$target" "$mirror"

cd "$target"

# apt sources like the official image: the release, its updates, and security.
rm -f etc/apt/sources.list
mkdir -p etc/apt/sources.list.d
cat > etc/apt/sources.list.d/debian.sources <<SOURCES
Types: deb
URIs: $mirror
Suites: $suite $suite-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: $security
Suites: $suite-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SOURCES

# Container tweaks of the official image (debuerreotype-minimizing-config).
cat > etc/apt/apt.conf.d/docker-clean <<'CONF'
# Keep no .deb files and no binary package caches in image layers.
DPkg::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
APT::Update::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
Dir::Cache::pkgcache "";
Dir::Cache::srcpkgcache "";
CONF
echo 'Acquire::Languages "none";' > etc/apt/apt.conf.d/docker-no-languages
echo 'Acquire::GzipIndexes "true";' > etc/apt/apt.conf.d/docker-gzip-indexes
echo 'Apt::AutoRemove::SuggestsImportant "false";' > etc/apt/apt.conf.d/docker-autoremove-suggests
echo 'force-unsafe-io' > etc/dpkg/dpkg.cfg.d/docker-apt-speedup
# No service starts from package scripts inside image builds.
printf '#!/bin/sh\nexit 101\n' > usr/sbin/policy-rc.d
chmod 0755 usr/sbin/policy-rc.d

# Docker provides these at run time; the builder's own must not leak into the image.
: > etc/resolv.conf
: > etc/hostname
printf '127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n' > etc/hosts
rm -f etc/machine-id var/lib/dbus/machine-id

# Caches, logs and package lists (apt-get update fetches them again when needed).
rm -rf var/lib/apt/lists/* var/cache/apt/*.bin var/cache/apt/archives/*.deb var/cache/apt/archives/partial/*
rm -rf var/log/apt/* var/log/*.log var/cache/debconf/*-old var/lib/dpkg/*-old var/cache/ldconfig/aux-cache
rm -rf tmp/* var/tmp/* root/.bash_history
mkdir -p var/lib/apt/lists/partial

# Device nodes: Docker mounts its own /dev. Only clean up when nothing is mounted below TARGET.
if ! awk -v t="$target/" 'index($2, t) == 1 { found = 1 } END { exit !found }' /proc/self/mounts; then
  find dev -mindepth 1 -delete
fi

echo "I: rootfs ready: $(du -sh --one-file-system . | cut -f1)"
