#!/usr/bin/env bash
# moto's server speaks the real EC2 API protocol on loopback; the AWS adapter is tested against it.
set -euo pipefail
tools="$(cd "$(dirname "$0")/../.." && pwd)/.tools"
venv="$tools/venv"
if [ -x "$venv/bin/moto_server" ]; then exit 0; fi
echo "setup: installing moto[server] into $venv"
[ -x "$venv/bin/pip" ] || python3 -m venv "$venv"
"$venv/bin/pip" install --quiet --disable-pip-version-check 'moto[server]==5.1.22'
