#!/usr/bin/env bash
# Builds the todo-stack image without a registry: the workspace image's files, PostgreSQL and node-pg added
# from Debian's packages (through this machine's apt sources), the application copied in, then `docker import`.
set -euo pipefail

image=${1:?usage: build-offline.sh <image:tag> <workspace image>}
workspace=${2:?usage: build-offline.sh <image:tag> <workspace image>}
here=$(cd "$(dirname "$0")" && pwd)

root=$(mktemp -d /var/tmp/berth-todo-rootfs.XXXXXX)
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

echo "installing postgresql and node-pg into the root filesystem"
chroot "$root" /bin/sh -euc '
  export DEBIAN_FRONTEND=noninteractive
  echo "APT::Sandbox::User \"root\";" > /etc/apt/apt.conf.d/00sandbox
  apt-get update -q >/dev/null
  apt-get install -y -q --no-install-recommends postgresql node-pg >/dev/null
  apt-get clean
  rm -rf /etc/apt/apt.conf.d/00sandbox /var/lib/apt/lists/* /usr/share/doc/* /usr/share/man/* /usr/share/info/*
  ln -sf "$(ls -d /usr/lib/postgresql/*/bin | tail -n 1)/pg_isready" /usr/local/bin/pg_isready
  : > /etc/resolv.conf
'
for m in dev/pts dev proc sys; do umount -l "$root/$m"; done
rm -rf "$root/opt/todo" && cp -r "$here/app" "$root/opt/todo"

echo "docker import as $image"
tar -C "$root" -c . | docker import \
  --change 'USER berth' \
  --change 'WORKDIR /workspace' \
  --change 'ENV HOME=/home/berth LANG=C.UTF-8 PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
  --change "LABEL dev.berth.recipe=${BERTH_IMAGE_RECIPE:-}" \
  --change 'CMD ["node", "/opt/todo/web.js"]' \
  --message "berth todo-stack (offline build on $workspace)" \
  - "$image" >/dev/null
docker run --rm "$image" sh -c 'echo "postgres $(ls /usr/lib/postgresql), node-pg $(node -p "require(\"pg/package.json\").version")"'
