#!/usr/bin/env bash
# Builds the workspace image without a registry: a Debian root filesystem made
# with debootstrap from the mirror this machine's apt sources already use, then
# Node.js, npm and a shell from Debian's packages, then `docker import`.
set -euo pipefail

image=${1:?usage: build-offline.sh <image:tag>}
suite=$(. /etc/os-release && echo "${VERSION_CODENAME:?no VERSION_CODENAME in /etc/os-release}")

# The first Debian mirror of this suite in the machine's apt sources (deb822 or one-line format).
mirror=$(
  shopt -s nullglob
  for f in /etc/apt/sources.list.d/*.sources; do
    awk -v s="$suite" '/^URIs:/ {u=$2} /^Suites:/ {for (i=2;i<=NF;i++) if ($i==s) print u}' "$f"
  done
  for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
    [ -f "$f" ] && awk -v s="$suite" '$1=="deb" && $0 ~ " "s"( |$)" {for (i=2;i<=NF;i++) if ($i ~ /^https?:/) {print $i; break}}' "$f"
  done
  true
)
mirror=${mirror%%$'\n'*}
[ -n "$mirror" ] || { echo "no apt mirror for '$suite' found in /etc/apt/sources.list*" >&2; exit 1; }

command -v debootstrap >/dev/null || {
  echo "installing debootstrap"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q debootstrap >/dev/null
}

root=$(mktemp -d /var/tmp/berth-rootfs.XXXXXX)
cleanup() {
  for m in dev/pts dev proc sys; do umount -l "$root/$m" 2>/dev/null || true; done
  rm -rf --one-file-system "$root"
}
trap cleanup EXIT

echo "debootstrap $suite from $mirror"
debootstrap --variant=minbase "$suite" "$root" "$mirror" >"$root.log" 2>&1 \
  || { tail -20 "$root.log" >&2; exit 1; }
rm -f "$root.log"

mount -t proc proc "$root/proc"
mount -t sysfs sys "$root/sys"
mount --bind /dev "$root/dev"
mount --bind /dev/pts "$root/dev/pts"
cp /etc/resolv.conf "$root/etc/resolv.conf"

echo "installing nodejs, npm, bash, git, curl, vim into the root filesystem"
chroot "$root" /bin/sh -euc '
  export DEBIAN_FRONTEND=noninteractive
  echo "APT::Sandbox::User \"root\";" > /etc/apt/apt.conf.d/00sandbox
  apt-get update -q >/dev/null
  apt-get install -y -q --no-install-recommends \
    nodejs npm bash git curl ca-certificates procps less vim-tiny >/dev/null
  apt-get clean
  rm -rf /etc/apt/apt.conf.d/00sandbox /var/lib/apt/lists/* /usr/share/doc/* /usr/share/man/* /usr/share/info/*
  useradd --create-home --uid 1000 --shell /bin/bash berth
  mkdir -p /workspace && chown berth:berth /workspace
  : > /etc/resolv.conf
'

for m in dev/pts dev proc sys; do umount -l "$root/$m"; done

echo "docker import as $image"
tar -C "$root" -c . | docker import \
  --change 'USER berth' \
  --change 'WORKDIR /workspace' \
  --change 'ENV HOME=/home/berth LANG=C.UTF-8 PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
  --change "LABEL dev.berth.recipe=${BERTH_IMAGE_RECIPE:-}" \
  --change 'CMD ["sleep", "infinity"]' \
  --message "berth workspace (offline build from $suite packages)" \
  - "$image" >/dev/null
docker run --rm "$image" sh -c 'echo "node $(node --version), npm $(npm --version)"'
