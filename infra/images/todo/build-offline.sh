#!/usr/bin/env bash
# Builds the todo-stack image without a registry (infra/images/derive-offline.sh): the workspace image with
# PostgreSQL and node-pg from Debian's packages, and the application in /opt/todo (setup.sh).
set -euo pipefail

image=${1:?usage: build-offline.sh <image:tag> <workspace image>}
workspace=${2:?usage: build-offline.sh <image:tag> <workspace image>}
here=$(cd "$(dirname "$0")" && pwd)

"$here/../derive-offline.sh" "$image" "$workspace" "$here" "postgresql node-pg" \
  --change 'CMD ["node", "/opt/todo/web.js"]'
docker run --rm "$image" sh -c 'echo "postgres $(ls /usr/lib/postgresql), node-pg $(node -p "require(\"pg/package.json\").version")"'
