#!/bin/sh
# Run as root in the image being built, after Debian's postgresql and node-pg are installed, with this folder in
# /tmp/berth-image: the to-do app in /opt/todo, and pg_isready on the PATH for the database's readiness check.
set -eu
ln -sf "$(ls -d /usr/lib/postgresql/*/bin | tail -n 1)/pg_isready" /usr/local/bin/pg_isready
rm -rf /opt/todo
cp -r /tmp/berth-image/app /opt/todo
