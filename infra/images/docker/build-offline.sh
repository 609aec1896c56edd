#!/usr/bin/env bash
# Builds the docker template's image without a registry (infra/images/derive-offline.sh): the workspace image
# with Debian's Docker Engine, sudo and busybox-static, and the playground's scripts (files/setup.sh).
set -euo pipefail

image=${1:?usage: build-offline.sh <image:tag> <workspace image>}
workspace=${2:?usage: build-offline.sh <image:tag> <workspace image>}
here=$(cd "$(dirname "$0")" && pwd)

"$here/../derive-offline.sh" "$image" "$workspace" "$here/files" "docker.io sudo busybox-static iptables" \
  --change 'VOLUME /var/lib/docker' \
  --change 'CMD ["/usr/local/bin/berth-docker"]'
docker run --rm --entrypoint sh "$image" -c 'echo "$(dockerd --version), $(sudo --version | head -n 1)"'
