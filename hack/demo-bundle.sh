# hack/demo-bundle.sh: the signed-bundle part of `make demo`, sourced by hack/demo.sh once bylaw serve runs (it uses
# demo.sh's KUBECTL, WORK, PORT, PIDS, step and wait_for).
#
# A git server of the repository's own (hack/gitserver, built as bin/gitserver) serves a repository on loopback; the
# demo builds and signs bundle version 1 of examples/demo-bundle/v1 with `bylaw bundle`, pushes it, applies a GitSource
# verifying it with the demo's public key, and shows a Pod denied with the bundle's provenance. Then version 2, enforced
# after the git server's push hook; then version 3 edited after signing, refused while version 2 stays in force.
#
# To change the bundle's policies (for example to another policy kind), change the files of examples/demo-bundle/ and
# the expected messages below.
EXPECT_V1="images must come from registry.example.com or ghcr.io (v1)"
EXPECT_V2="images must come from registry.example.com (v2: ghcr.io is no longer allowed)"
PROVENANCE="from gitsource/bylaw-system/platform at main@sha1:"
BUNDLE_EXAMPLES=examples/demo-bundle

demo_bundle() {
	export GIT_CONFIG_GLOBAL=/dev/null GIT_CONFIG_NOSYSTEM=1 # the user's git configuration plays no part
	start_gitserver
	step "a release key pair (openssl); its public key goes into Secret bylaw-system/bundle-keys"
	openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$WORK/release.key" 2>/dev/null
	openssl pkey -in "$WORK/release.key" -pubout -out "$WORK/release.pub"
	"$KUBECTL" create secret generic bundle-keys -n bylaw-system --from-file=release.pub="$WORK/release.pub" \
		--dry-run=client -o yaml | "$KUBECTL" apply -f -
	CLONE=$WORK/clone
	git init -q -b main "$CLONE"
	git -C "$CLONE" remote add origin "$GIT_URL"

	release 1 v1
	step "kubectl apply -f $BUNDLE_EXAMPLES/gitsource.yaml (with the git server's URL)"
	sed "s|http://127.0.0.1:PORT/policies.git|$GIT_URL|" "$BUNDLE_EXAMPLES/gitsource.yaml" | "$KUBECTL" apply -f -
	wait_for 60 "the GitSource to be Ready" "$KUBECTL" wait --for=condition=Ready gitsource/platform -n bylaw-system --timeout=1s
	wait_for 30 "the bundle's policy to be enforced" bash -c "! '$KUBECTL' apply --dry-run=server -f $BUNDLE_EXAMPLES/pod-docker-hub.yaml"
	"$KUBECTL" get gitsource platform -n bylaw-system

	step "a Pod with an image from docker.io is denied; the message names the source, the revision and the bundle digest"
	denied "$BUNDLE_EXAMPLES/pod-docker-hub.yaml" "$EXPECT_V1"
	step "a Pod with an image from ghcr.io is admitted by version 1 (server-side dry run)"
	"$KUBECTL" apply --dry-run=server -f "$BUNDLE_EXAMPLES/pod-ghcr.yaml"

	release 2 v2
	step "the push hook reconciles the GitSource at once (its interval is 1h): version 2 is in force"
	wait_for 10 "the push hook" bash -c "[[ \$(grep -c 'push hook called' '$WORK/gitserver.log') -ge 2 ]]"
	grep "push hook" "$WORK/gitserver.log" | tail -n 1
	wait_for 30 "version 2" artifact_version 2
	"$KUBECTL" get gitsource platform -n bylaw-system
	step "the ghcr.io Pod is denied now, by version 2"
	denied "$BUNDLE_EXAMPLES/pod-ghcr.yaml" "$EXPECT_V2"

	release 3 v3 v3-tampered
	step "version 3 is refused: SourceVerified=False, version 2 stays in force"
	wait_for 30 "the GitSource to refuse version 3" bash -c "'$KUBECTL' get gitsource platform -n bylaw-system \
		-o jsonpath='{.status.conditions[?(@.type==\"SourceVerified\")].status}' | grep -qx False"
	"$KUBECTL" get gitsource platform -n bylaw-system \
		-o jsonpath='SourceVerified={.status.conditions[?(@.type=="SourceVerified")].status} reason={.status.conditions[?(@.type=="SourceVerified")].reason}{"\n"}{.status.conditions[?(@.type=="SourceVerified")].message}{"\n"}'
	"$KUBECTL" get gitsource platform -n bylaw-system
	artifact_version 2
	step "the ghcr.io Pod is still denied by version 2: the edit made after signing (every registry allowed) is not applied"
	denied "$BUNDLE_EXAMPLES/pod-ghcr.yaml" "$EXPECT_V2"
}

# start_gitserver runs bin/gitserver on a folder of $WORK, its push hook pointed at bylaw serve (trusting the
# webhook's CA), and sets GIT_URL to the demo's repository.
start_gitserver() {
	step "a git server of our own on loopback (hack/gitserver), calling bylaw serve's push hook after every push"
	"$KUBECTL" get secret bylaw-webhook-tls -n bylaw-system -o jsonpath='{.data.ca\.crt}' | base64 -d >"$WORK/webhook-ca.crt"
	bin/gitserver --root "$WORK/repos" --hook-url "https://127.0.0.1:$PORT/hooks/git" \
		--hook-token-file "$WORK/hook-token" --hook-ca-file "$WORK/webhook-ca.crt" >"$WORK/gitserver.out" 2>"$WORK/gitserver.log" &
	PIDS+=($!)
	wait_for 30 "the git server" test -s "$WORK/gitserver.out"
	GIT_URL=$(head -n 1 "$WORK/gitserver.out")/policies.git
	echo "bin/gitserver serves $WORK/repos at ${GIT_URL%/policies.git}; the bundle's repository is $GIT_URL"
}

# release VERSION FOLDER [TAMPER]: the files of examples/demo-bundle/FOLDER become bundle version VERSION in folder
# policies/ of the clone, built and signed; TAMPER's files are copied over them after signing. Then git push.
release() {
	local dir=$CLONE/policies
	step "version $1: bylaw bundle build and sign $BUNDLE_EXAMPLES/$2${3:+, then $BUNDLE_EXAMPLES/$3 copied over it after signing}; git push"
	rm -rf "$dir"
	mkdir -p "$dir"
	cp "$BUNDLE_EXAMPLES/$2"/*.yaml "$dir/"
	bin/bylaw bundle build "$dir" --name platform --version "$1"
	bin/bylaw bundle sign "$dir" --key "$WORK/release.key" --signer release
	if [[ -n ${3:-} ]]; then
		cp "$BUNDLE_EXAMPLES/$3"/*.yaml "$dir/"
		echo "bylaw bundle verify, as CI would run it, refuses the bundle; it is pushed anyway (no release key needed to push):"
		bin/bylaw bundle verify "$dir" --key release="$WORK/release.pub" || true
	fi
	git -C "$CLONE" add -A
	git -C "$CLONE" -c user.name=demo -c user.email=demo@example.com commit -q -m "bundle platform version $1"
	git -C "$CLONE" push -q origin main
	echo "pushed $(git -C "$CLONE" rev-parse --short HEAD) to $GIT_URL"
}

# artifact_version N: the bundle in force from the GitSource has version N.
artifact_version() {
	[[ $("$KUBECTL" get gitsource platform -n bylaw-system -o jsonpath='{.status.artifact.version}') == "$1" ]]
}

# denied FILE EXPECTED: creating FILE is refused with EXPECTED and the bundle's provenance in the message.
denied() {
	local out want
	if out=$("$KUBECTL" apply -f "$1" 2>&1); then
		echo "$out"
		echo "demo: $1 was admitted" >&2
		return 1
	fi
	echo "$out"
	for want in "$2" "$PROVENANCE" "bundle sha256:"; do
		[[ $out == *"$want"* ]] || {
			echo "demo: the denial does not say: $want" >&2
			return 1
		}
	done
}
