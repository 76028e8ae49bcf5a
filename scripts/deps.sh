#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Install, by Debian package name and only when missing, what the build and
# the tests need. Usage: scripts/deps.sh [build|test|demo]
set -euo pipefail
what=${1:-test}

build_pkgs="cmake make gcc clang libclang-rt-14-dev pkg-config"
test_pkgs="chromium clang-format libcmocka-dev nftables tshark socat netcat-openbsd iputils-ping curl libxml2-utils iproute2 valgrind jq ethtool"

case "$what" in
  build|demo) pkgs="$build_pkgs" ;;
  test) pkgs="$build_pkgs $test_pkgs" ;;
  *) echo "usage: $0 [build|test|demo]" >&2; exit 2 ;;
esac

missing=()
for p in $pkgs; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
  echo "deps: missing packages: ${missing[*]} (run as root, or install them)" >&2
  exit 0
fi
echo "deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
# tshark asks whether non-root users may capture; answer no without a prompt.
echo "wireshark-common wireshark-common/install-setuid boolean false" | debconf-set-selections 2>/dev/null || true
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
