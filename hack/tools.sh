#!/usr/bin/env bash
# tools.sh installs the pinned developer tools Bylaw needs into a per-user cache
# and prints the path of each installed binary. It is idempotent: a tool that is
# already present at its versioned path is not rebuilt.
#
# Usage: hack/tools.sh [controller-gen]   (default: all tools)
set -euo pipefail

CONTROLLER_TOOLS_VERSION="v0.23.0"
TOOLS_BIN="${XDG_CACHE_HOME:-$HOME/.cache}/bylaw/bin"

# install_go_tool NAME VERSION PACKAGE: builds PACKAGE@VERSION into
# $TOOLS_BIN/NAME-VERSION unless that file already exists, then prints the path.
install_go_tool() {
	local name="$1" version="$2" pkg="$3"
	local target="${TOOLS_BIN}/${name}-${version}"
	if [[ -x "${target}" ]]; then
		echo "${target}"
		return 0
	fi
	mkdir -p "${TOOLS_BIN}"
	INSTALL_TMP="$(mktemp -d "${TOOLS_BIN}/.install-${name}.XXXXXX")"
	trap 'rm -rf "${INSTALL_TMP:-}"' EXIT
	# Build outside any module so the tool's own go.mod decides its dependencies.
	(cd "${INSTALL_TMP}" && GOFLAGS= GOBIN="${INSTALL_TMP}" go install "${pkg}@${version}") >&2
	mv "${INSTALL_TMP}/$(basename "${pkg}")" "${target}"
	rm -rf "${INSTALL_TMP}"
	echo "${target}"
}

install_controller_gen() {
	install_go_tool controller-gen "${CONTROLLER_TOOLS_VERSION}" sigs.k8s.io/controller-tools/cmd/controller-gen
}

main() {
	local tool="${1:-all}"
	case "${tool}" in
	controller-gen) install_controller_gen ;;
	all) install_controller_gen ;;
	*)
		echo "tools.sh: unknown tool ${tool}" >&2
		return 2
		;;
	esac
}

main "$@"
