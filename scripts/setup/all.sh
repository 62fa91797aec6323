#!/usr/bin/env bash
# Everything the test suite needs beyond npm packages: each step is skipped when already done,
# so this costs well under a second on a prepared machine (a cold machine builds Terraform and
# Kubernetes from the Go module proxy once: 6 to 20 minutes).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
for step in chromium moto terraform kubernetes; do
  bash "$here/$step.sh"
done
