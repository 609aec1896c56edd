#!/usr/bin/env bash
# Builds the docker template's image without a registry: the workspace image's files, Debian's Docker Engine,
# sudo and busybox-static added through this machine's apt sources, the playground's scripts, then `docker import`.
set -euo pipefail

image=${1:?usage: build-offline.sh <image:tag> <workspace image>}
workspace=${2:?usage: build-offline.sh <image:tag> <workspace image>}
here=$(cd "$(dirname "$0")" && pwd)

root=$(mktemp -d /var/tmp/berth-docker-rootfs.XXXXXX)
container=""
cleanup() {
  for m in dev/pts dev proc sys; do umount -l "$root/$m" 2>/dev/null || true; done
  rm -rf --one-file-system "$root"
  [ -z "$container" ] || docker rm -f "$container" >/dev/null 2>&1 || true
}
trap cleanup EXIT

echo "taking the files of $workspace"
container=$(docker create "$workspace")
docker export "$container" | tar -C "$root" -x

mount -t proc proc "$root/proc"
mount -t sysfs sys "$root/sys"
mount --bind /dev "$root/dev"
mount --bind /dev/pts "$root/dev/pts"
cp /etc/resolv.conf "$root/etc/resolv.conf"

echo "installing docker.io, sudo and busybox-static into the root filesystem"
cp -r "$here/files" "$root/tmp/berth-docker"
chroot "$root" /bin/sh -euc '
  export DEBIAN_FRONTEND=noninteractive
  echo "APT::Sandbox::User \"root\";" > /etc/apt/apt.conf.d/00sandbox
  apt-get update -q >/dev/null
  apt-get install -y -q --no-install-recommends docker.io sudo busybox-static iptables >/dev/null
  apt-get clean
  rm -rf /etc/apt/apt.conf.d/00sandbox /var/lib/apt/lists/* /usr/share/doc/* /usr/share/man/* /usr/share/info/*
  sh /tmp/berth-docker/setup.sh
  : > /etc/resolv.conf
'
for m in dev/pts dev proc sys; do umount -l "$root/$m"; done

echo "docker import as $image"
tar -C "$root" -c . | docker import \
  --change 'USER berth' \
  --change 'WORKDIR /workspace' \
  --change 'ENV HOME=/home/berth LANG=C.UTF-8 PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
  --change 'VOLUME /var/lib/docker' \
  --change "LABEL dev.berth.recipe=${BERTH_IMAGE_RECIPE:-}" \
  --change 'CMD ["/usr/local/bin/berth-docker"]' \
  --message "berth docker playground (offline build on $workspace)" \
  - "$image" >/dev/null
docker run --rm --entrypoint sh "$image" -c 'echo "$(dockerd --version), $(sudo --version | head -n 1)"'
