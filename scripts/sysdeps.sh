#!/usr/bin/env bash
# Install the Debian packages some tests use, when they are missing and we can.
# Never fails the build: a test whose tool is absent skips and says why.
set -u
want=()
command -v redis-server >/dev/null 2>&1 || want+=(redis-server)
[ ${#want[@]} -eq 0 ] && exit 0
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "sysdeps: not root or no apt-get; missing: ${want[*]} (those tests will skip)" >&2
  exit 0
fi
export DEBIAN_FRONTEND=noninteractive
echo "sysdeps: installing ${want[*]}" >&2
apt-get install -y -q --no-install-recommends "${want[@]}" >/dev/null 2>&1 || {
  apt-get update -q >/dev/null 2>&1
  apt-get install -y -q --no-install-recommends "${want[@]}" >/dev/null 2>&1 || echo "sysdeps: could not install ${want[*]}" >&2
}
exit 0
