#!/usr/bin/env bash
# Install the Debian packages some tests use, when they are missing and we can:
#   redis-server        the multi-worker tests
#   chromium            the real-browser report test (tests/test_report_browser.py, headless, over CDP)
#   fonts-noto-cjk      so Chromium renders the Chinese report (screenshots) instead of empty boxes
# Never fails the build: a test whose tool is absent skips and says why.
set -u
want=()
command -v redis-server >/dev/null 2>&1 || want+=(redis-server)
have_browser=
for b in chromium chromium-browser google-chrome google-chrome-stable; do
  command -v "$b" >/dev/null 2>&1 && have_browser=1 && break
done
[ -n "${XXGK_CHROMIUM:-}" ] && [ -x "${XXGK_CHROMIUM}" ] && have_browser=1
[ -n "$have_browser" ] || want+=(chromium)
if ! command -v fc-list >/dev/null 2>&1 || [ -z "$(fc-list :lang=zh 2>/dev/null | head -1)" ]; then
  want+=(fonts-noto-cjk)
fi
[ ${#want[@]} -eq 0 ] && exit 0
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "sysdeps: not root or no apt-get; missing: ${want[*]} (those tests will skip)" >&2
  exit 0
fi
export DEBIAN_FRONTEND=noninteractive
echo "sysdeps: installing ${want[*]}" >&2
apt-get install -y -q --no-install-recommends "${want[@]}" >/dev/null 2>&1 || {
  apt-get update -q >/dev/null 2>&1
  apt-get install -y -q --no-install-recommends "${want[@]}" >/dev/null 2>&1 || {
    # One at a time, so that one package that cannot be had does not stop the others.
    for p in "${want[@]}"; do
      apt-get install -y -q --no-install-recommends "$p" >/dev/null 2>&1 || echo "sysdeps: could not install $p" >&2
    done
  }
}
exit 0
