#!/usr/bin/env bash
# The Playwright adapter drives Debian's Chromium through playwright-core; `npx playwright install`
# cannot download browsers on a closed network. Installs it when /usr/bin/chromium is missing.
set -euo pipefail
if [ -x /usr/bin/chromium ]; then exit 0; fi
command="apt-get update && apt-get install -y --no-install-recommends chromium"
if [ "$(id -u)" != 0 ]; then
  echo "setup: Chromium is missing at /usr/bin/chromium; install it as root with:" >&2
  echo "  sudo sh -c '$command'" >&2
  exit 1
fi
echo "setup: installing chromium with apt-get"
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
apt-get install -y -q --no-install-recommends chromium
