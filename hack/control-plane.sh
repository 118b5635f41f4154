#!/usr/bin/env bash
# hack/control-plane.sh: build kube-apiserver, etcd and kubectl from Go modules for envtest and `make demo`.
#
# Only the Go module proxy is needed: no download site. The binaries are built once per version into
#   ${XDG_CACHE_HOME:-$HOME/.cache}/bylaw/k8s/<k8s>-etcd<etcd>-<go>/
# (outside the clone, so CI's fresh clone reuses them) and bin/k8s is a link to that folder.
# A build that is already there is reused in well under a second.
#
# Usage: hack/control-plane.sh            prints the folder to use as KUBEBUILDER_ASSETS on its last line
# Env:   K8S_VERSION (1.37.2, matches k8s.io/* v0.37.2 of go.mod), ETCD_VERSION (3.7.3)
set -euo pipefail

K8S_VERSION=${K8S_VERSION:-1.37.2}
ETCD_VERSION=${ETCD_VERSION:-3.7.3}
REPO=$(cd "$(dirname "$0")/.." && pwd)
GOVERSION=$(go env GOVERSION)
CACHE=${XDG_CACHE_HOME:-$HOME/.cache}/bylaw/k8s
OUT=$CACHE/$K8S_VERSION-etcd$ETCD_VERSION-$GOVERSION
LINK=$REPO/bin/k8s

log() { echo "control-plane: $*" >&2; }

have_binaries() {
	[[ -x $OUT/kube-apiserver && -x $OUT/etcd && -x $OUT/kubectl && -f $OUT/.complete ]]
}

link_output() {
	mkdir -p "$REPO/bin"
	ln -sfn "$OUT" "$LINK"
	echo "$LINK"
}

# write_k8s_module writes a wrapper module around k8s.io/kubernetes whose staging modules point at their published versions.
write_k8s_module() {
	local dir=$1 staging=v0.${K8S_VERSION#1.} kmod
	mkdir -p "$dir/cmd/kube-apiserver" "$dir/cmd/kubectl"
	cd "$dir"
	rm -f go.sum
	printf 'module bylawk8s\n\ngo 1.26.0\n' >go.mod
	kmod=$(go mod download -json "k8s.io/kubernetes@v$K8S_VERSION" | sed -n 's/.*"GoMod": "\(.*\)".*/\1/p')
	[[ -f $kmod ]] || { log "cannot download k8s.io/kubernetes@v$K8S_VERSION"; exit 1; }
	{
		printf 'module bylawk8s\n\ngo 1.26.0\n\nrequire k8s.io/kubernetes v%s\n\nreplace (\n' "$K8S_VERSION"
		awk '/=> \.\/staging\//{print $1}' "$kmod" | while read -r m; do
			grep -qE "^[[:space:]]+$m v0\.0\.0" "$kmod" && printf '\t%s => %s %s\n' "$m" "$m" "$staging"
		done
		printf ')\n'
	} >go.mod
	cat >cmd/kube-apiserver/main.go <<'EOF'
package main

import (
	"os"
	_ "time/tzdata"

	"k8s.io/component-base/cli"
	_ "k8s.io/component-base/logs/json/register"
	_ "k8s.io/component-base/metrics/prometheus/clientgo"
	_ "k8s.io/component-base/metrics/prometheus/version"
	"k8s.io/kubernetes/cmd/kube-apiserver/app"
)

func main() { os.Exit(cli.Run(app.NewAPIServerCommand())) }
EOF
	cat >cmd/kubectl/main.go <<'EOF'
package main

import (
	"k8s.io/component-base/cli"
	"k8s.io/kubectl/pkg/cmd"
	"k8s.io/kubectl/pkg/cmd/util"
)

func main() {
	if err := cli.RunNoErrOutput(cmd.NewDefaultKubectlCommand()); err != nil {
		util.CheckErr(err)
	}
}
EOF
	go mod tidy
}

build_k8s() {
	local dir=$1 minor ld="-s -w" p
	minor=$(echo "$K8S_VERSION" | cut -d. -f2)
	for p in k8s.io/client-go/pkg/version k8s.io/component-base/version; do
		ld="$ld -X $p.gitVersion=v$K8S_VERSION -X $p.gitMajor=1 -X $p.gitMinor=$minor -X $p.gitTreeState=clean"
	done
	write_k8s_module "$dir"
	log "building kube-apiserver v$K8S_VERSION (the first build takes ~15 min on 2 cores)"
	go build -trimpath -ldflags="$ld" -o "$OUT/kube-apiserver" ./cmd/kube-apiserver
	log "building kubectl v$K8S_VERSION"
	go build -trimpath -ldflags="$ld" -o "$OUT/kubectl" ./cmd/kubectl
}

build_etcd() {
	local dir=$1
	mkdir -p "$dir"
	cd "$dir"
	rm -f go.mod go.sum
	printf 'package main\n\nimport (\n\t"os"\n\n\t"go.etcd.io/etcd/server/v3/etcdmain"\n)\n\nfunc main() { etcdmain.Main(os.Args) }\n' >main.go
	printf 'module bylawetcd\n\ngo 1.26.0\n\nrequire go.etcd.io/etcd/server/v3 v%s\n' "$ETCD_VERSION" >go.mod
	go mod tidy
	log "building etcd v$ETCD_VERSION"
	go build -trimpath -ldflags="-s -w" -o "$OUT/etcd" .
}

main() {
	if have_binaries; then
		link_output
		return
	fi
	# Our own module settings (GOFLAGS, go.work) must not leak into the wrapper modules.
	export GOWORK=off GOFLAGS="-mod=mod -buildvcs=false"
	mkdir -p "$OUT"
	BUILD=$(mktemp -d "$CACHE/.build.XXXXXX")
	trap 'rm -rf "$BUILD"' EXIT
	build_k8s "$BUILD/k8s"
	build_etcd "$BUILD/etcd"
	"$OUT/kube-apiserver" --version >&2
	touch "$OUT/.complete"
	link_output
}

main "$@"
