#!/usr/bin/env bash
# Builds the Terraform CLI and the hashicorp/null, hashicorp/local and hashicorp/random providers
# from the Go module proxy, for running Terraform offline (tests, the Terraform adapter):
#   .tools/terraform/bin/terraform
#   .tools/terraform/providers/registry.terraform.io/hashicorp/<name>/<version>/linux_amd64/
#       terraform-provider-<name>_v<version>          (an "unpacked" filesystem mirror)
#   .tools/terraform/terraformrc                      (CLI config: that mirror only, no checkpoint)
# Run Terraform with TF_CLI_CONFIG_FILE=.tools/terraform/terraformrc CHECKPOINT_DISABLE=1;
# infra/terraform-toolchain.ts does that.
#
# Why these versions. registry.terraform.io and releases.hashicorp.com cannot be reached, so
# everything is compiled from the Go module proxy:
# - Terraform v1.5.7: the last release under MPL-2.0 (v1.6 and later are BUSL-1.1), and one that
#   `go install github.com/hashicorp/terraform@vX` can build (from v1.6 on, terraform's go.mod has
#   replace directives, which `go install pkg@version` refuses).
# - The providers' go.mod files name github.com/terraform-providers/terraform-provider-<name>
#   without a /vN suffix, so their v2/v3 release tags are not valid module versions and no proxy
#   serves them. What is left are v1 tags and pseudo-versions of commits, and the proxy reachable
#   here answers only those it already holds (no branch or commit-hash queries): in practice the
#   pseudo-versions other modules once required (Pulumi's random bridge, old vSphere/OpenShift
#   code). The newest we found that are exact upstream releases (the CHANGELOG's top entry is
#   that release, dated the commit's day) are:
#     random 3.6.3 (2024-09-11), null 2.1.2 (2019-04-30), local 1.4.0 (2019-09-30).
#   The prebuilt cdktf bindings in node_modules were generated from random 3.7.2, null 3.2.4 and
#   local 2.6.1 and pin those exact versions in the synthesized `required_providers`;
#   infra/stacks/ widen the constraints and use only arguments that all these versions share.
# - random's pseudo-version is not in the checksum database (sum.golang.org answers 404), so it is
#   fetched with GONOSUMDB and its module hash is checked here against the pinned one instead.
#   Every module hash is checked against its pin.
#
# Idempotent: does nothing but rewrite the CLI config when the binaries of the pinned versions
# are in place. Go's module and build caches stay in their default places (shared, kept), so a
# rebuild after a version bump is quicker. A cold build takes 6 to 11 minutes on 2 cores (CPU
# about 6 minutes, 2.5 GB of Go modules downloaded); 115 MB end up in .tools/terraform.
set -euo pipefail

TERRAFORM_MODULE=github.com/hashicorp/terraform
TERRAFORM_VERSION=v1.5.7
TERRAFORM_SUM=h1:HL+iEBdp6mC/tqQM1F5jA5y32CbxXPwyiNQyYSXVzw0=

# name | release version (the mirror's directory) | Go module | module version | module hash
PROVIDERS=(
  "random|3.6.3|github.com/terraform-providers/terraform-provider-random|v1.3.2-0.20240911140632-e546ae44b440|h1:uFoJ9UuTISX5ApzaJob1aqT/IsIQpvPbu2ppUal8ka8="
  "null|2.1.2|github.com/terraform-providers/terraform-provider-null|v1.0.1-0.20190430203517-8d3d85a60e20|h1:K9UY/63kofMqeZL1U2P0lxg1nWwZPX3poI0Os/OfFy8="
  "local|1.4.0|github.com/terraform-providers/terraform-provider-local|v1.4.0|h1:n0CNTMjBfCC5R6LMyuqxJRlgWPUqx0mvSU+ZIhg8EN0="
)
# Module versions the checksum database does not know (checked against the pins above instead).
NOSUMDB=github.com/terraform-providers/terraform-provider-random

tools="$(mkdir -p "$(dirname "$0")/../../.tools/terraform" && cd "$(dirname "$0")/../../.tools/terraform" && pwd)"
bin="$tools/bin"
mirror="$tools/providers"
platform=linux_amd64
stamp="$tools/.versions"

log() { echo "setup/terraform: $*"; }

pins() {
  echo "$TERRAFORM_MODULE@$TERRAFORM_VERSION $TERRAFORM_SUM"
  printf '%s\n' "${PROVIDERS[@]}"
}

provider_binary() { # name version
  echo "$mirror/registry.terraform.io/hashicorp/$1/$2/$platform/terraform-provider-$1_v$2"
}

# The CLI config, rewritten on every run so that it names this checkout's mirror.
write_cli_config() {
  local tmp="$tools/terraformrc.tmp"
  cat >"$tmp" <<EOF
# Written by scripts/setup/terraform.sh: hashicorp providers from the local mirror only.
disable_checkpoint = true

provider_installation {
  filesystem_mirror {
    path    = "$mirror"
    include = ["registry.terraform.io/hashicorp/*"]
  }
  direct {
    exclude = ["registry.terraform.io/hashicorp/*"]
  }
}
EOF
  mv -f "$tmp" "$tools/terraformrc"
}

# True when the CLI reports the pinned version, every provider binary is in the mirror and the
# stamp names the same pins (a changed module version rebuilds even if the release is the same).
installed() {
  local entry name release
  [ -x "$bin/terraform" ] || return 1
  [ "$(CHECKPOINT_DISABLE=1 TF_CLI_CONFIG_FILE=/dev/null "$bin/terraform" version 2>/dev/null | head -1)" = "Terraform $TERRAFORM_VERSION" ] || return 1
  for entry in "${PROVIDERS[@]}"; do
    IFS='|' read -r name release _ <<<"$entry"
    [ -x "$(provider_binary "$name" "$release")" ] || return 1
  done
  [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$(pins)" ]
}

summary() {
  local entry name release list=""
  for entry in "${PROVIDERS[@]}"; do
    IFS='|' read -r name release _ <<<"$entry"
    list+=" $name $release,"
  done
  echo "Terraform $TERRAFORM_VERSION, providers${list%,}"
}

if installed; then
  write_cli_config
  log "$(summary) already in $tools"
  exit 0
fi

# Two test processes may ask at once: the second waits for the first build and then finds it done.
exec 9>"$tools/.build.lock"
flock 9
if installed; then
  write_cli_config
  log "$(summary) already in $tools (built meanwhile)"
  exit 0
fi

if ! command -v go >/dev/null; then
  echo "setup/terraform: Go is needed to build Terraform and its providers (Go 1.22 or newer)" >&2
  exit 1
fi

started=$(date +%s)
log "building $(summary) with $(go version | cut -d' ' -f3) (cold: 6 to 11 minutes on 2 cores)"

export GOFLAGS="-trimpath -buildvcs=false"
export CGO_ENABLED=0
export GONOSUMDB="$NOSUMDB"

# Downloads module@version and fails unless its hash is the pinned one.
fetch_checked() { # module version sum
  local got
  got="$(go mod download -json "$1@$2" | sed -n 's/^[[:space:]]*"Sum": "\(.*\)",\{0,1\}$/\1/p')" || true
  if [ "$got" != "$3" ]; then
    echo "setup/terraform: $1@$2 has hash '${got:-none (download failed)}', pinned $3" >&2
    go mod download -json "$1@$2" >&2 || true
    exit 1
  fi
}

cd "$tools"
staging="$tools/.staging"
rm -rf "$staging"
mkdir -p "$staging" "$bin"

step=1
steps=$((1 + ${#PROVIDERS[@]}))

log "[$step/$steps] terraform $TERRAFORM_VERSION: fetching and compiling"
t=$(date +%s)
fetch_checked "$TERRAFORM_MODULE" "$TERRAFORM_VERSION" "$TERRAFORM_SUM"
GOBIN="$staging/cli" nice go install -ldflags="-s -w" "$TERRAFORM_MODULE@$TERRAFORM_VERSION"
log "[$step/$steps] terraform $TERRAFORM_VERSION: built in $(($(date +%s) - t))s"

for entry in "${PROVIDERS[@]}"; do
  IFS='|' read -r name release module version sum <<<"$entry"
  step=$((step + 1))
  log "[$step/$steps] provider $name $release ($module@$version): fetching and compiling"
  t=$(date +%s)
  fetch_checked "$module" "$version" "$sum"
  GOBIN="$staging/$name" nice go install -ldflags="-s -w" "$module@$version"
  [ -x "$staging/$name/terraform-provider-$name" ] || {
    echo "setup/terraform: go install $module@$version made no terraform-provider-$name" >&2
    exit 1
  }
  log "[$step/$steps] provider $name $release: built in $(($(date +%s) - t))s"
done

# Move into place only when everything built: a failed run leaves no half-made mirror behind.
rm -rf "$mirror/registry.terraform.io/hashicorp"
for entry in "${PROVIDERS[@]}"; do
  IFS='|' read -r name release _ <<<"$entry"
  target="$(provider_binary "$name" "$release")"
  mkdir -p "$(dirname "$target")"
  mv -f "$staging/$name/terraform-provider-$name" "$target"
done
mv -f "$staging/cli/terraform" "$bin/terraform"
rm -rf "$staging"
pins >"$stamp"
write_cli_config

if ! installed; then
  echo "setup/terraform: the build finished but the result does not check out:" >&2
  "$bin/terraform" version >&2 || true
  exit 1
fi

log "done in $(($(date +%s) - started))s: $(summary); $(du -sh "$tools" | cut -f1) in $tools"
log "Go caches (shared, kept for later builds): modules $(du -sh "$(go env GOMODCACHE)" 2>/dev/null | cut -f1), build $(du -sh "$(go env GOCACHE)" 2>/dev/null | cut -f1)"
