#!/usr/bin/env bash
# Builds a real Kubernetes control plane for the tests from the Go module proxy:
#   etcd, kube-apiserver and kube-controller-manager into .tools/kubernetes/bin.
# No kubelet, scheduler or container runtime: objects are stored and served, pods never run.
#
# Prebuilt release binaries cannot be downloaded here, so they are compiled. `go install
# k8s.io/kubernetes/cmd/kube-apiserver@vX` refuses to work because k8s.io/kubernetes replaces its
# staging modules (k8s.io/api, apimachinery, apiserver, client-go, ...) with ./staging paths; a
# throwaway module that requires k8s.io/kubernetes and pins each staging module to its published
# v0.Y.Z release builds the same code. etcd's server module has the same kind of replaces, but it
# also requires the matching versions, so a throwaway module that requires it is enough.
#
# Idempotent: does nothing when the three binaries exist and report the pinned versions. Go's
# module and build caches stay in their default places, so a rebuild after a version bump is quicker.
set -euo pipefail

KUBERNETES_VERSION=v1.35.4 # kube-apiserver, kube-controller-manager
ETCD_VERSION=v3.6.6        # the etcd release Kubernetes v1.35 is tested with

tools="$(mkdir -p "$(dirname "$0")/../../.tools/kubernetes" && cd "$(dirname "$0")/../../.tools/kubernetes" && pwd)"
bin="$tools/bin"
src="$tools/src"

log() { echo "setup/kubernetes: $*"; }

# True when every binary is present and reports the pinned version.
installed() {
  local out
  [ -x "$bin/etcd" ] && [ -x "$bin/kube-apiserver" ] && [ -x "$bin/kube-controller-manager" ] || return 1
  out="$("$bin/etcd" --version 2>/dev/null)" && [[ $'\n'"$out"$'\n' == *$'\n'"etcd Version: ${ETCD_VERSION#v}"$'\n'* ]] || return 1
  out="$("$bin/kube-apiserver" --version 2>/dev/null)" && [ "$out" = "Kubernetes $KUBERNETES_VERSION" ] || return 1
  out="$("$bin/kube-controller-manager" --version 2>/dev/null)" && [ "$out" = "Kubernetes $KUBERNETES_VERSION" ] || return 1
}

if installed; then
  log "etcd $ETCD_VERSION and Kubernetes $KUBERNETES_VERSION already in $bin"
  exit 0
fi

# Two test processes may ask at once: the second waits for the first build and then finds it done.
exec 9>"$tools/.build.lock"
flock 9
if installed; then
  log "etcd $ETCD_VERSION and Kubernetes $KUBERNETES_VERSION already in $bin (built meanwhile)"
  exit 0
fi

if ! command -v go >/dev/null; then
  echo "setup/kubernetes: Go is needed to build etcd and kube-apiserver (Go 1.25 or newer)" >&2
  exit 1
fi

started=$(date +%s)
log "building etcd $ETCD_VERSION and Kubernetes $KUBERNETES_VERSION with $(go version | cut -d' ' -f3) (cold: about 10 minutes on 2 idle cores, 20+ when they are busy; later runs reuse Go's caches)"

export GOFLAGS="-mod=mod -trimpath -buildvcs=false"
staging="$tools/.staging-bin"
rm -rf "$staging"
mkdir -p "$staging" "$bin" "$src/etcd" "$src/kubernetes"

# --- etcd --------------------------------------------------------------------------------------
log "[1/3] etcd $ETCD_VERSION: resolving modules in $src/etcd"
cat >"$src/etcd/go.mod" <<EOF
module somagent.local/etcd-build

go 1.24

require go.etcd.io/etcd/server/v3 $ETCD_VERSION
EOF
rm -f "$src/etcd/go.sum"
(cd "$src/etcd" && go list -deps go.etcd.io/etcd/server/v3 >/dev/null)
log "[1/3] etcd $ETCD_VERSION: compiling"
(cd "$src/etcd" && nice go build -ldflags="-s -w" -o "$staging/etcd" go.etcd.io/etcd/server/v3)

# --- kube-apiserver, kube-controller-manager ---------------------------------------------------
log "[2/3] Kubernetes $KUBERNETES_VERSION: resolving modules in $src/kubernetes"
k8s_mod="$(cd "$tools" && GOFLAGS= go mod download -json "k8s.io/kubernetes@$KUBERNETES_VERSION" |
  sed -n 's/^[[:space:]]*"GoMod": "\(.*\)",$/\1/p')"
[ -f "$k8s_mod" ] || { echo "setup/kubernetes: could not download k8s.io/kubernetes@$KUBERNETES_VERSION" >&2; exit 1; }
staging_version="v0.${KUBERNETES_VERSION#v1.}" # v1.35.4 -> v0.35.4
{
  echo "module somagent.local/kubernetes-build"
  echo
  echo "go $(sed -n 's/^go \(.*\)$/\1/p' "$k8s_mod")"
  if grep -q '^godebug ' "$k8s_mod"; then echo && grep '^godebug ' "$k8s_mod"; fi
  echo
  echo "require k8s.io/kubernetes $KUBERNETES_VERSION"
  echo
  echo "// Every staging module k8s.io/kubernetes replaces with ./staging/src/..., at its release."
  echo "replace ("
  sed -n "s#^[[:space:]]*\(k8s.io/[A-Za-z0-9._-]*\) => ./staging/src/.*#\t\1 => \1 $staging_version#p" "$k8s_mod"
  echo ")"
} >"$src/kubernetes/go.mod"
rm -f "$src/kubernetes/go.sum"
grep -q "k8s.io/apiserver => k8s.io/apiserver $staging_version" "$src/kubernetes/go.mod" || {
  echo "setup/kubernetes: found no staging replaces in $k8s_mod" >&2
  exit 1
}
(cd "$src/kubernetes" && go list -deps k8s.io/kubernetes/cmd/kube-apiserver k8s.io/kubernetes/cmd/kube-controller-manager >/dev/null)

log "[3/3] Kubernetes $KUBERNETES_VERSION: compiling kube-apiserver and kube-controller-manager"
minor="${KUBERNETES_VERSION#v1.}"
minor="${minor%%.*}"
version_flags=""
for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
  version_flags+=" -X $pkg.gitVersion=$KUBERNETES_VERSION -X $pkg.gitMajor=1 -X $pkg.gitMinor=$minor"
  version_flags+=" -X $pkg.gitTreeState=clean"
done
(cd "$src/kubernetes" && nice go build -ldflags="-s -w$version_flags" -o "$staging/" \
  k8s.io/kubernetes/cmd/kube-apiserver k8s.io/kubernetes/cmd/kube-controller-manager)

mv -f "$staging"/* "$bin/"
rmdir "$staging"
if ! installed; then
  echo "setup/kubernetes: the built binaries do not report the pinned versions:" >&2
  "$bin/etcd" --version >&2 || true
  "$bin/kube-apiserver" --version >&2 || true
  exit 1
fi

log "done in $(($(date +%s) - started))s: $(du -sh "$bin" | cut -f1) in $bin"
log "Go caches (shared, kept for later builds): modules $(du -sh "$(go env GOMODCACHE)" 2>/dev/null | cut -f1), build $(du -sh "$(go env GOCACHE)" 2>/dev/null | cut -f1)"
