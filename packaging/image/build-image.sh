#!/usr/bin/env bash
# Builds a bootable Skywire node image from Debian's packages only, the way Debian's own
# Raspberry Pi images are made (mmdebstrap, raspi-firmware, linux-image-arm64), with this
# package installed in /opt/skywire and its native modules built for the target:
#
#   npm run image -- --arch arm64 --board rpi     # an SD card image for a Raspberry Pi 3/4
#   npm run image -- --arch amd64 --board vm      # the same recipe for QEMU (UEFI), for tests
#
# No loop devices and no mounts: the root file system is made with `mkfs.ext4 -d` from a
# directory, the FAT boot partition with mkfs.vfat and mtools, and both are written into a
# partitioned file. Output in --out (default dist/image): NAME.img, NAME.img.zst,
# NAME.img.zst.sha256 and NAME.packages (every Debian package and version in the image).
# See docs/PROVISIONING.md.
set -euo pipefail
{

die() { echo "skywire: error [$1]: $2" >&2; exit 2; }
note() { echo "image: $*" >&2; }

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
arch=arm64 board='' suite=trixie mirror=http://deb.debian.org/debian out="$repo/dist/image"
cache="${XDG_CACHE_HOME:-$HOME/.cache}/skywire-image" compress=1 level=12
while [ $# -gt 0 ]; do
  case "$1" in
    --arch) arch=${2:-}; shift 2 ;;
    --board) board=${2:-}; shift 2 ;;
    --suite) suite=${2:-}; shift 2 ;;
    --mirror) mirror=${2:-}; shift 2 ;;
    --out) out=${2:-}; shift 2 ;;
    --cache) cache=${2:-}; shift 2 ;;
    --no-compress) compress=0; shift ;;
    --zstd-level) level=${2:-}; shift 2 ;;
    -h|--help) sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) die BAD_ARGUMENT "unknown option \"$1\"; options: --arch amd64|arm64 --board rpi|vm --suite --mirror --out --cache --no-compress --zstd-level" ;;
  esac
done
[ -n "$board" ] || { [ "$arch" = arm64 ] && board=rpi || board=vm; }
case "$arch/$board" in
  arm64/rpi|arm64/vm|amd64/vm) ;;
  *) die BAD_ARGUMENT "--arch $arch --board $board is not a recipe; use --arch arm64 --board rpi, --arch arm64 --board vm or --arch amd64 --board vm" ;;
esac
[ "$(id -u)" = 0 ] || die NEED_ROOT "building an image needs root (file ownership in the image, chroot); run: sudo npm run image -- $*"
for tool in mmdebstrap mkfs.vfat mcopy mkfs.ext4 sfdisk zstd sha256sum; do
  command -v "$tool" >/dev/null || die MISSING_TOOL "$tool is not installed; run: apt-get install --no-install-recommends mmdebstrap dosfstools mtools e2fsprogs fdisk zstd"
done
if [ "$arch" != "$(dpkg --print-architecture)" ]; then
  # A foreign architecture's maintainer scripts run under qemu-user through binfmt_misc.
  [ -d /proc/sys/fs/binfmt_misc ] && ! mountpoint -q /proc/sys/fs/binfmt_misc && mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc 2>/dev/null || true
  [ -e /proc/sys/fs/binfmt_misc/qemu-aarch64 ] || { command -v update-binfmts >/dev/null && update-binfmts --enable qemu-aarch64 2>/dev/null || true; }
  [ -e /proc/sys/fs/binfmt_misc/qemu-aarch64 ] || die MISSING_TOOL "cannot run $arch programs here (no qemu-aarch64 in binfmt_misc); run: apt-get install --no-install-recommends qemu-user-static binfmt-support"
fi

# Reproducibility: every timestamp in the image is the last commit's time, and every identifier
# (disk and partition UUIDs, volume ids, the ext4 hash seed) is derived from the recipe's name,
# so the same sources and the same Debian packages give the same bytes.
if git -C "$repo" rev-parse HEAD >/dev/null 2>&1; then SOURCE_DATE_EPOCH=$(git -C "$repo" log -1 --format=%ct); else SOURCE_DATE_EPOCH=$(stat -c %Y "$repo/package.json"); fi
export SOURCE_DATE_EPOCH
version=$(node -p "require('$repo/package.json').version")
name="skywire-$version-$suite-$arch-$board"
uuid() { local h; h=$(printf '%s' "$name/$1" | sha256sum | cut -c1-32); echo "${h:0:8}-${h:8:4}-4${h:13:3}-a${h:17:3}-${h:20:12}"; }
hex8() { printf '%s' "$name/$1" | sha256sum | cut -c1-8; }

work=$(mktemp -d /var/tmp/skywire-image.XXXXXX)
cleanup() { umount "$work/builder-npm" 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
# npm's own cache (filled by the `npm ci` that installed this tree) serves the chroot's npm ci.
npm_cache=$(npm config get cache 2>/dev/null || true); [ -d "$npm_cache" ] || npm_cache="$cache/npm"
mkdir -p "$cache/apt-$suite-$arch" "$npm_cache" "$out"
# The chroot's npm reaches the registry the way this machine's does: same registry, proxy and
# CA bundle (a proxy with its own CA is common in companies; Debian's bundle in the chroot would
# not know it). Packages of the target's architecture that the cache lacks are fetched.
mkdir -p "$work/npm-env"
{
  echo "export npm_config_nodedir=/usr"
  reg=$(npm config get registry 2>/dev/null || true); [ -n "$reg" ] && echo "export npm_config_registry='$reg'"
  ca=$(npm config get cafile 2>/dev/null || true); [ "$ca" = null ] && ca=
  [ -z "$ca" ] && ca=${NODE_EXTRA_CA_CERTS:-}
  if [ -n "$ca" ] && [ -f "$ca" ]; then cp "$ca" "$work/npm-env/ca.crt"; echo "export npm_config_cafile=/build/npm-env/ca.crt NODE_EXTRA_CA_CERTS=/build/npm-env/ca.crt"; fi
  for v in https_proxy HTTPS_PROXY http_proxy HTTP_PROXY no_proxy NO_PROXY; do [ -n "${!v:-}" ] && echo "export $v='${!v}'"; done
  true
} > "$work/npm-env/env"
apt_cache=("--skip=essential/unlink" "--setup-hook=mkdir -p \"\$1\"/var/cache/apt/archives/"
  "--setup-hook=sync-in $cache/apt-$suite-$arch /var/cache/apt/archives/"
  "--customize-hook=sync-out /var/cache/apt/archives $cache/apt-$suite-$arch")
started=$(date +%s)

# 1. The package: the working tree's files that git tracks or would track (no node_modules, no
#    build output), without tests and benchmarks, built in a Debian chroot of the target
#    architecture: `npm ci --omit=dev` (node-gyp compiles node-pty, serialport and
#    native/udp-batch against the target's Node) and `node scripts/build.mjs` (dist/).
note "staging the package from $repo"
mkdir -p "$work/stage/skywire"
(cd "$repo" && git ls-files -z --cached --others --exclude-standard 2>/dev/null || find . -path ./node_modules -prune -o -path ./dist -prune -o -type f -print0) |
  (cd "$repo" && grep -zv -E '^(\./)?(test|bench|\.ci|docs/.*\.png|packaging/image/cache)' | while IFS= read -r -d '' f; do [ -e "$f" ] && printf '%s\0' "$f"; done) |
  (cd "$repo" && tar --null -T - -cf -) | tar -xf - -C "$work/stage/skywire"
# A working tree's mtimes say when files were checked out or edited, not what they hold: every
# staged file gets SOURCE_DATE_EPOCH (the later clamp keeps older mtimes, right for Debian's).
find "$work/stage/skywire" -exec touch --no-dereference --date="@$SOURCE_DATE_EPOCH" {} +
note "building the package in a $suite/$arch chroot"
mkdir -p "$work/built"
mmdebstrap --mode=root --variant=apt --arch="$arch" --include=nodejs,npm,libnode-dev,build-essential,python3,ca-certificates \
  "${apt_cache[@]}" \
  --customize-hook='mkdir -p "$1/build" "$1/root/.npm"' --customize-hook="copy-in $work/stage/skywire /build" \
  --customize-hook="copy-in $work/npm-env /build" \
  --customize-hook="mount --bind $npm_cache \"\$1/root/.npm\" && { chroot \"\$1\" sh -ec '. /build/npm-env/env && cd /build/skywire && npm ci --omit=dev --no-audit --no-fund --prefer-offline --loglevel=error && node scripts/build.mjs && test -f dist/skywire.mjs'; rc=\$?; umount \"\$1/root/.npm\"; exit \$rc; }" \
  --customize-hook="copy-out /build/skywire $work/built" \
  "$suite" /dev/null "$mirror" >"$work/builder.log" 2>&1 || { tail -30 "$work/builder.log" >&2; die IMAGE_BUILD "building the package in the $arch chroot failed (log above)"; }
[ -f "$work/built/skywire/native/udp-batch/build/Release/udp_batch.node" ] || note "warning: native/udp-batch was not built; the node will send one datagram per syscall"
# Build leftovers the node does not run, and the prebuilt native modules of other platforms
# (node-pty, sodium-native and serialport ship Windows, macOS and Android builds: ~75 MB).
# node-gyp's build directories keep only the compiled addons (their generated Makefiles list
# files in a different order at every build).
find "$work/built/skywire" -type f -path '*/build/Release/*.node' | sed 's|/Release/[^/]*$||' | sort -u | while IFS= read -r d; do
  find "$d" -mindepth 1 \( -type f -o -type l \) ! -path "$d/Release/*.node" -delete
  find "$d" -mindepth 1 -type d -empty -delete
done
cpu=x64; [ "$arch" = arm64 ] && cpu=arm64
find "$work/built/skywire/node_modules" -type d -name prebuilds -prune -print0 | while IFS= read -r -d '' d; do
  for p in "$d"/*; do case "$(basename "$p")" in "linux-$cpu"|"linux-$cpu"[-.+]*) ;; *) rm -rf "$p" ;; esac; done
done

# 2. The root file system.
packages=systemd,systemd-sysv,udev,dbus,libpam-systemd,systemd-resolved,systemd-timesyncd,kmod,iproute2,iputils-ping,nodejs,ca-certificates,bubblewrap,util-linux,fdisk,cloud-guest-utils,e2fsprogs,dosfstools,tar,zstd,less,procps,wpasupplicant
if [ "$board" = rpi ]; then
  # Debian's raspi image recipe (image-specs): the firmware and Broadcom WiFi blobs are in
  # non-free-firmware; the kernel's hooks copy kernel, initrd and device trees to /boot/firmware.
  packages="$packages,linux-image-arm64,raspi-firmware,firmware-brcm80211,wireless-regdb"
  components=main,non-free-firmware
  # raspi-firmware's hooks write cmdline.txt from /etc/default/raspi-firmware; in the chroot
  # they would guess the root and consoles from the build host, so both are set and the hook
  # run again. The serial console is the Pis' mini UART (ttyS1) and tty1 is the main one, which
  # shows the status page.
  board_hooks=(--customize-hook="sed -i -e 's|^#\\?ROOTPART=.*|ROOTPART=LABEL=SKYWIRE_ROOT|' -e 's|^#\\?CONSOLES=.*|CONSOLES=\"ttyS1,115200 tty1\"|' \"\$1/etc/default/raspi-firmware\" && grep -q '^ROOTPART=LABEL=SKYWIRE_ROOT' \"\$1/etc/default/raspi-firmware\" && chroot \"\$1\" env DEB_MAINT_PARAMS=configure /etc/kernel/postinst.d/z50-raspi-firmware")
else
  packages="$packages,linux-image-$arch,initramfs-tools,systemd-boot-efi"
  components=main
  board_hooks=()
fi
note "making the $suite/$arch root file system"
mmdebstrap --mode=root --variant=apt --arch="$arch" --components="$components" --include="$packages" \
  --aptopt='Acquire::Languages "none"' --aptopt='APT::Install-Recommends "false"' --dpkgopt='path-exclude=/usr/share/doc/*' --dpkgopt='path-include=/usr/share/doc/*/copyright' \
  --dpkgopt='path-exclude=/usr/share/man/*' --dpkgopt='path-exclude=/usr/share/locale/*' --dpkgopt='path-include=/usr/share/locale/locale.alias' \
  "${apt_cache[@]}" \
  --setup-hook='mkdir -p "$1/boot/firmware"' \
  --customize-hook="copy-in $work/built/skywire /opt" "${board_hooks[@]}" \
  --customize-hook="sync-in $here/rootfs /" \
  --customize-hook="$here/customize.sh \"\$1\" $board" \
  "$suite" "$work/root" "$mirror" >"$work/rootfs.log" 2>&1 || { tail -30 "$work/rootfs.log" >&2; die IMAGE_BUILD "making the root file system failed (log above)"; }
chroot "$work/root" dpkg-query -W -f '${Package} ${Version} ${Architecture}\n' | LC_ALL=C sort > "$out/$name.packages"

# 3. The boot partition: what the board's firmware reads, and skywire/master.txt.example.
mkdir -p "$work/boot"
if [ "$board" = rpi ]; then
  cp -a "$work/root/boot/firmware/." "$work/boot/"
  find "$work/root/boot/firmware" -mindepth 1 -delete
  grep -q 'root=LABEL=SKYWIRE_ROOT' "$work/boot/cmdline.txt" || die IMAGE_BUILD "raspi-firmware wrote no cmdline.txt with root=LABEL=SKYWIRE_ROOT (it has: $(cat "$work/boot/cmdline.txt" 2>&1))"
else
  kernel=$(cd "$work/root/boot" && ls vmlinuz-* | sort -V | tail -1); kver=${kernel#vmlinuz-}
  efi=x64; [ "$arch" = arm64 ] && efi=aa64
  mkdir -p "$work/boot/EFI/BOOT" "$work/boot/loader/entries"
  cp "$work/root/usr/lib/systemd/boot/efi/systemd-boot$efi.efi" "$work/boot/EFI/BOOT/BOOT${efi^^}.EFI"
  cp "$work/root/boot/vmlinuz-$kver" "$work/boot/vmlinuz"
  cp "$work/root/boot/initrd.img-$kver" "$work/boot/initrd.img"
  console=ttyS0; [ "$arch" = arm64 ] && console=ttyAMA0
  printf 'default skywire.conf\ntimeout 0\nconsole-mode keep\n' > "$work/boot/loader/loader.conf"
  # The serial console last: it is /dev/console, so a VM's boot is readable on its serial port
  # (tests read it); tty1 gets the kernel's messages and the status page.
  printf 'title Skywire node\nlinux /vmlinuz\ninitrd /initrd.img\noptions root=LABEL=SKYWIRE_ROOT rw rootwait console=tty1 console=%s,115200\n' "$console" > "$work/boot/loader/entries/skywire.conf"
fi
cp -a "$here/boot/." "$work/boot/"
# Timestamps clamped to SOURCE_DATE_EPOCH, everywhere (files made during the build are newer).
find "$work/root" "$work/boot" -newermt "@$SOURCE_DATE_EPOCH" -print0 | xargs -0r touch --no-dereference --date="@$SOURCE_DATE_EPOCH"

# 4. File systems and the disk. Sizes in MiB; the root grows to fill the card on first boot.
boot_mib=256
root_mib=$(( ( $(du -sm --apparent-size "$work/root" | cut -f1) * 115 / 100 + 160 + 3 ) / 4 * 4 ))
offset_mib=4
note "file systems: boot ${boot_mib} MiB, root ${root_mib} MiB"
export MTOOLS_SKIP_CHECK=1
mkfs.vfat -F 32 -n SKYWIRE --invariant -i "$(hex8 boot-volume)" -C "$work/boot.img" $((boot_mib * 1024)) >/dev/null
(cd "$work/boot" && mcopy -s -m -i "$work/boot.img" ./* ::/)
E2FSPROGS_FAKE_TIME=$SOURCE_DATE_EPOCH mkfs.ext4 -q -F -L SKYWIRE_ROOT -U "$(uuid root-fs)" -E "hash_seed=$(uuid root-hash),root_owner=0:0" \
  -d "$work/root" "$work/root.img" "${root_mib}M"
# mkfs.ext4 -d copies each file's ctime, which is the time of this build (nothing can set a
# ctime), and its atime, which reading the tree moved on; debugfs sets both to SOURCE_DATE_EPOCH
# in the new file system (and its own superblock write time), so that two builds of the same
# sources and packages are the same bytes.
(cd "$work/root" && find . -print0) | tr '\0' '\n' | grep -v '"' | sed -e 's|^\.||' -e 's|^$|/|' |
  awk -v t="@$SOURCE_DATE_EPOCH" '{ printf "sif \"%s\" ctime %s\nsif \"%s\" atime %s\n", $0, t, $0, t }' > "$work/ctime.cmds"
E2FSPROGS_FAKE_TIME=$SOURCE_DATE_EPOCH debugfs -w -f "$work/ctime.cmds" "$work/root.img" >/dev/null 2>"$work/debugfs.log" || { tail -5 "$work/debugfs.log" >&2; die IMAGE_BUILD "debugfs could not set the root's ctimes"; }
img="$out/$name.img"
rm -f "$img" "$img.zst" "$img.zst.sha256"
truncate -s $(( (offset_mib + boot_mib + root_mib + 1) * 1024 * 1024 )) "$img"
boot_start=$((offset_mib * 2048)) root_start=$(( (offset_mib + boot_mib) * 2048 ))
if [ "$board" = rpi ]; then
  # MBR: every Pi's boot ROM reads it (GPT needs a Pi 4 EEPROM from 2020 on).
  printf 'label: dos\nlabel-id: 0x%s\nstart=%s, size=%s, type=c, bootable\nstart=%s, size=%s, type=83\n' "$(hex8 disk)" \
    "$boot_start" $((boot_mib * 2048)) "$root_start" $((root_mib * 2048)) | sfdisk -q "$img"
else
  # GPT: the boot partition is the EFI system partition; the root has the discoverable type.
  roottype=4F68BCE3-E8CD-4DB1-96E7-FBCAF984B709; [ "$arch" = arm64 ] && roottype=B921B045-1DF0-41C3-AF44-4C6F280D3FAE
  printf 'label: gpt\nlabel-id: %s\nstart=%s, size=%s, type=C12A7328-F81F-11D2-BA4B-00A0C93EC93B, uuid=%s, name=boot\nstart=%s, size=%s, type=%s, uuid=%s, name=root\n' \
    "$(uuid disk)" "$boot_start" $((boot_mib * 2048)) "$(uuid boot-part)" "$root_start" $((root_mib * 2048)) "$roottype" "$(uuid root-part)" | sfdisk -q "$img"
fi
dd if="$work/boot.img" of="$img" bs=1M seek="$offset_mib" conv=notrunc,sparse status=none
dd if="$work/root.img" of="$img" bs=1M seek=$((offset_mib + boot_mib)) conv=notrunc,sparse status=none
if [ "$compress" = 1 ]; then
  note "compressing (zstd -$level)"
  zstd -q -T0 "-$level" "$img" -o "$img.zst"
  (cd "$out" && sha256sum "$name.img.zst" > "$name.img.zst.sha256")
fi
(cd "$out" && sha256sum "$name.img" > "$name.img.sha256")
note "built $img ($(( $(stat -c %s "$img") / 1048576 )) MiB) in $(( $(date +%s) - started )) s; sha256 $(cut -d' ' -f1 "$img.sha256")"
echo "$img"
exit 0
}
