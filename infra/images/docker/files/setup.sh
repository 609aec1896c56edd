#!/bin/sh
# Run as root in the image being built, after Debian's docker.io, sudo and busybox-static are installed, with
# this folder in /tmp/berth-image.
set -eu
install -m 0755 /tmp/berth-image/berth-docker /usr/local/bin/berth-docker
install -m 0755 /tmp/berth-image/berth-dockerd /usr/local/sbin/berth-dockerd
install -m 0440 /tmp/berth-image/sudoers /etc/sudoers.d/berth-docker
usermod -aG docker berth
# the root filesystem of the busybox image loaded into every playground's engine
mkdir -p /opt/berth-docker/busybox/bin /opt/berth-docker/busybox/tmp /opt/berth-docker/busybox/etc
cp /bin/busybox /opt/berth-docker/busybox/bin/busybox
for applet in $(/bin/busybox --list); do
  [ "$applet" = busybox ] || ln -s busybox "/opt/berth-docker/busybox/bin/$applet"
done
echo 'root:x:0:0:root:/root:/bin/sh' > /opt/berth-docker/busybox/etc/passwd
echo 'root:x:0:' > /opt/berth-docker/busybox/etc/group
