#!/bin/sh
# mmdebstrap customize hook: turns the Debian root at $1 into a Skywire node for board $2.
# Runs on the build host as root; commands that must see the image's own files run in chroot.
set -eu
root=$1 board=$2  # board: rpi or vm (the same for both today)

# The node's system user. Its shell is what `skywire term` opens, so it is bash; it has no
# password (locked), so nobody logs in as it on the console or anywhere else.
# In systemd-journal so that the operator's terminal reads the node's log (journalctl -u skywire).
chroot "$root" useradd --system --user-group --groups systemd-journal --home-dir /var/lib/skywire --no-create-home --shell /bin/bash skywire
chroot "$root" passwd --lock root >/dev/null

install -m 0644 "$root/opt/skywire/packaging/skywire.service" "$root/etc/systemd/system/skywire.service"
ln -sf /opt/skywire/bin/skywire.js "$root/usr/local/bin/skywire"
chmod 0755 "$root/usr/lib/skywire/grow-root"

cat > "$root/etc/fstab" <<'EOF'
# The FAT boot partition holds skywire/master.txt (read by the node) and what the firmware boots.
LABEL=SKYWIRE_ROOT  /               ext4  defaults,noatime,commit=30                0 1
LABEL=SKYWIRE       /boot/firmware  vfat  defaults,umask=0022,noatime,flush,nofail  0 2
EOF
echo skywire > "$root/etc/hostname"
printf '127.0.0.1\tlocalhost\n127.0.1.1\tskywire\n::1\tlocalhost ip6-localhost ip6-loopback\n' > "$root/etc/hosts"

# First boot is systemd's: an empty machine-id makes it generate one (and apply presets).
: > "$root/etc/machine-id"
rm -f "$root/var/lib/dbus/machine-id"

# Units: the node, the console status page on tty1 instead of a login prompt, growing the root
# to the card, DHCP on every wired and wireless interface.
chroot "$root" systemctl enable skywire.service skywire-console.service skywire-grow-root.service systemd-networkd.service systemd-resolved.service systemd-timesyncd.service >/dev/null 2>&1
chroot "$root" systemctl disable getty@tty1.service >/dev/null 2>&1 || true
chroot "$root" systemctl mask getty@tty1.service >/dev/null 2>&1
ln -sf ../run/systemd/resolve/stub-resolv.conf "$root/etc/resolv.conf"

# No SSH server is installed: the master's terminal (`skywire term`) and forward are the way in.
# Build-time leftovers that would differ between two builds.
rm -rf "$root/var/cache/apt/archives/"*.deb "$root/var/log/"* "$root/var/cache/ldconfig/aux-cache" "$root/var/lib/apt/lists/"* "$root/var/cache/apt/"*.bin "$root/tmp/"* "$root/var/tmp/"*
rm -f "$root/etc/ssh/ssh_host_"* "$root/var/lib/systemd/random-seed"
