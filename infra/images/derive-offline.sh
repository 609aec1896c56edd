#!/usr/bin/env bash
# Builds an image on the workspace image without a registry, for the templates' images (infra/images/todo,
# infra/images/docker): the workspace image's files, Debian packages added through this machine's apt sources,
# then <files>/setup.sh run as root in the root filesystem (with <files> in /tmp/berth-image), then
# `docker import` as user berth in /workspace, with the recipe label and the --change options given.
#
#   derive-offline.sh <image:tag> <workspace image> <files> "<packages>" [--change '...']...
set -euo pipefail

usage="usage: derive-offline.sh <image:tag> <workspace image> <files> \"<packages>\" [--change '...']..."
image=${1:?$usage}
workspace=${2:?$usage}
files=${3:?$usage}
packages=${4:?$usage}
shift 4

root=$(mktemp -d /var/tmp/berth-image-rootfs.XXXXXX)
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

echo "installing $packages into the root filesystem"
cp -r "$files" "$root/tmp/berth-image"
chroot "$root" /bin/sh -euc '
  export DEBIAN_FRONTEND=noninteractive
  echo "APT::Sandbox::User \"root\";" > /etc/apt/apt.conf.d/00sandbox
  apt-get update -q >/dev/null
  apt-get install -y -q --no-install-recommends $1 >/dev/null
  apt-get clean
  rm -rf /etc/apt/apt.conf.d/00sandbox /var/lib/apt/lists/* /usr/share/doc/* /usr/share/man/* /usr/share/info/*
  sh /tmp/berth-image/setup.sh
  rm -rf /tmp/berth-image
  : > /etc/resolv.conf
' derive "$packages"
for m in dev/pts dev proc sys; do umount -l "$root/$m"; done

echo "docker import as $image"
tar -C "$root" -c . | docker import \
  --change 'USER berth' \
  --change 'WORKDIR /workspace' \
  --change 'ENV HOME=/home/berth LANG=C.UTF-8 PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
  --change "LABEL dev.berth.recipe=${BERTH_IMAGE_RECIPE:-}" \
  "$@" \
  --message "$image (offline build on $workspace)" \
  - "$image" >/dev/null
