package pattern

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// matchRow is one pattern, one resource and the expected outcome. Path is checked when set; Message must contain
// Contains when set.
type matchRow struct {
	name     string
	pattern  string
	resource string
	want     Status
	path     string
	contains string
}

// runMatchRows checks every row with numbers decoded as float64 and again as int64.
func runMatchRows(t *testing.T, rows []matchRow) {
	t.Helper()
	for _, row := range rows {
		t.Run(row.name, func(t *testing.T) {
			p := mustCompile(t, row.pattern)
			resource := decode(t, row.resource)
			for _, r := range []any{resource, withInt64(resource)} {
				got := p.Match(r)
				require.Equal(t, row.want, got.Status, "result: %+v", got)
				if row.path != "" {
					assert.Equal(t, row.path, got.Path)
				}
				if row.contains != "" {
					assert.Contains(t, got.Message, row.contains)
				}
				if got.Status == StatusPass {
					assert.Equal(t, Result{}, got)
				} else {
					assert.NotEmpty(t, got.Message)
				}
			}
		})
	}
}

func TestMatchStructure(t *testing.T) {
	runMatchRows(t, []matchRow{
		{name: "plain keys pass", pattern: `{spec: {hostNetwork: false}}`, resource: `{spec: {hostNetwork: false, x: 1}}`,
			want: StatusPass},
		{name: "value mismatch names the leaf", pattern: `{spec: {hostNetwork: false}}`,
			resource: `{spec: {hostNetwork: true}}`, want: StatusFail, path: "/spec/hostNetwork/",
			contains: "resource value 'true' does not match 'false' at path /spec/hostNetwork/"},
		{name: "missing plain key fails", pattern: `{spec: {hostNetwork: false}}`, resource: `{spec: {}}`,
			want: StatusFail, path: "/spec/hostNetwork/"},
		{name: "missing key matches null pattern", pattern: `{spec: {livenessProbe: null}}`, resource: `{spec: {}}`,
			want: StatusPass},
		{name: "map pattern on scalar fails", pattern: `{spec: {securityContext: {privileged: false}}}`,
			resource: `{spec: {securityContext: true}}`, want: StatusFail, path: "/spec/securityContext/",
			contains: "expected object, found boolean"},
		{name: "map pattern on missing key fails", pattern: `{spec: {securityContext: {privileged: false}}}`,
			resource: `{spec: {}}`, want: StatusFail, path: "/spec/securityContext/"},
		{name: "scalar pattern on map fails", pattern: `{spec: {securityContext: "x"}}`,
			resource: `{spec: {securityContext: {a: 1}}}`, want: StatusFail, path: "/spec/securityContext/"},
		{name: "list pattern on map fails", pattern: `{spec: {containers: [{name: "*"}]}}`,
			resource: `{spec: {containers: {name: a}}}`, want: StatusFail, path: "/spec/containers/"},
		{name: "star needs presence", pattern: `{spec: {containers: [{name: "*", livenessProbe: "*"}]}}`,
			resource: `{spec: {containers: [{name: a, livenessProbe: {periodSeconds: 1}}]}}`, want: StatusPass},
		{name: "star on missing key fails at the parent", pattern: `{spec: {containers: [{livenessProbe: "*"}]}}`,
			resource: `{spec: {containers: [{name: a, livenessProbe: null}]}}`, want: StatusFail,
			path: "/spec/containers/0/", contains: "not found"},
		{name: "star matches lists", pattern: `{spec: {containers: "*"}}`, resource: `{spec: {containers: [{}]}}`,
			want: StatusPass},
		{name: "every list element must match", pattern: `{spec: {containers: [{image: "!*:latest"}]}}`,
			resource: `{spec: {containers: [{image: "a:1"}, {image: "b:latest"}]}}`, want: StatusFail,
			path: "/spec/containers/1/image/"},
		{name: "empty resource list passes", pattern: `{spec: {containers: [{image: "!*:latest"}]}}`,
			resource: `{spec: {containers: []}}`, want: StatusPass},
		{name: "scalar list pattern checks every element", pattern: `{spec: {args: ["!--privileged"]}}`,
			resource: `{spec: {args: ["-v", "--privileged"]}}`, want: StatusFail, path: "/spec/args/"},
		{name: "scalar pattern on list checks every element", pattern: `{spec: {args: "?*"}}`,
			resource: `{spec: {args: ["a", "b"]}}`, want: StatusPass},
		{name: "scalar pattern on empty list passes", pattern: `{spec: {args: "x"}}`, resource: `{spec: {args: []}}`,
			want: StatusPass},
		{name: "empty pattern list fails", pattern: `{spec: {args: []}}`, resource: `{spec: {args: ["a"]}}`,
			want: StatusFail, contains: "pattern array empty"},
		{name: "nested lists compare by position", pattern: `{m: [[1], [2]]}`, resource: `{m: [[1], [2], [3]]}`,
			want: StatusPass},
		{name: "nested list mismatch", pattern: `{m: [[1], [2]]}`, resource: `{m: [[1], [3]]}`, want: StatusFail,
			path: "/m/1/"},
		{name: "nested list too short fails without path", pattern: `{m: [[1], [2]]}`, resource: `{m: [[1]]}`,
			want: StatusFail, contains: "length mismatch"},
		{name: "typed number text", pattern: `{spec: {replicas: ">1"}}`, resource: `{spec: {replicas: 3}}`,
			want: StatusPass},
		{name: "boolean given as string", pattern: `{spec: {automount: "false"}}`, resource: `{spec: {automount: false}}`,
			want: StatusPass},
		{name: "quantity limit", pattern: `{spec: {containers: [{resources: {limits: {memory: "<=1Gi"}}}]}}`,
			resource: `{spec: {containers: [{resources: {limits: {memory: 2Gi}}}]}}`, want: StatusFail,
			path: "/spec/containers/0/resources/limits/memory/"},
		{name: "duration bound", pattern: `{spec: {interval: "<=1h"}}`, resource: `{spec: {interval: 30m}}`,
			want: StatusPass},
		{name: "root scalar pattern", pattern: `"?*"`, resource: `"x"`, want: StatusPass},
		{name: "root map against list", pattern: `{a: 1}`, resource: `[1]`, want: StatusFail, path: "/"},
	})
}

func TestMatchAnchors(t *testing.T) {
	runMatchRows(t, []matchRow{
		// equality
		{name: "equality absent passes", pattern: `{spec: {=(hostNetwork): false}}`, resource: `{spec: {}}`,
			want: StatusPass},
		{name: "equality present must match", pattern: `{spec: {=(hostNetwork): false}}`,
			resource: `{spec: {hostNetwork: true}}`, want: StatusFail, path: "/spec/hostNetwork/"},
		{name: "equality present null checked", pattern: `{spec: {=(hostNetwork): false}}`,
			resource: `{spec: {hostNetwork: null}}`, want: StatusFail},
		{name: "add-if-not-present acts as equality", pattern: `{spec: {+(dnsPolicy): Default}}`,
			resource: `{spec: {}}`, want: StatusPass},
		{name: "add-if-not-present present must match", pattern: `{spec: {+(dnsPolicy): Default}}`,
			resource: `{spec: {dnsPolicy: ClusterFirst}}`, want: StatusFail, path: "/spec/dnsPolicy/"},
		// negation
		{name: "negation absent passes", pattern: `{spec: {volumes: [{X(hostPath): null}]}}`,
			resource: `{spec: {volumes: [{name: a, emptyDir: {}}]}}`, want: StatusPass},
		{name: "negation present fails", pattern: `{spec: {=(volumes): [{X(hostPath): null}]}}`,
			resource: `{spec: {volumes: [{name: a}, {name: b, hostPath: {path: /}}]}}`, want: StatusFail,
			path: "/spec/volumes/1/hostPath/", contains: "negation anchor matched in resource"},
		{name: "negation present with null fails", pattern: `{spec: {X(nodeName): null}}`,
			resource: `{spec: {nodeName: null}}`, want: StatusFail},
		// existence
		{name: "existence one element matches", pattern: `{spec: {^(containers): [{image: "nginx:*"}]}}`,
			resource: `{spec: {containers: [{image: "busybox"}, {image: "nginx:1"}]}}`, want: StatusPass},
		{name: "existence no element matches", pattern: `{spec: {^(containers): [{image: "nginx:*"}]}}`,
			resource: `{spec: {containers: [{image: "busybox"}]}}`, want: StatusFail, path: "/spec/containers/",
			contains: "existence anchor validation failed"},
		{name: "existence every pattern item needs an element",
			pattern:  `{spec: {^(containers): [{name: a}, {name: b}]}}`,
			resource: `{spec: {containers: [{name: a}]}}`, want: StatusFail},
		{name: "existence absent passes", pattern: `{spec: {^(containers): [{name: a}]}}`, resource: `{spec: {}}`,
			want: StatusPass},
		{name: "existence on non-list fails", pattern: `{spec: {^(containers): [{name: a}]}}`,
			resource: `{spec: {containers: {name: a}}}`, want: StatusFail, contains: "invalid resource type object"},
		{name: "existence with scalar items fails when present", pattern: `{spec: {^(args): ["a"]}}`,
			resource: `{spec: {args: ["a"]}}`, want: StatusFail, contains: "invalid pattern type"},
		// conditional
		{name: "conditional holds then check applies", pattern: `{spec: {(hostNetwork): true, hostPID: true}}`,
			resource: `{spec: {hostNetwork: true, hostPID: false}}`, want: StatusFail, path: "/spec/hostPID/"},
		{name: "conditional mismatch skips", pattern: `{spec: {(hostNetwork): true, hostPID: true}}`,
			resource: `{spec: {hostNetwork: false, hostPID: false}}`, want: StatusSkip,
			contains: "conditional anchor mismatch"},
		{name: "conditional absent skips", pattern: `{spec: {(hostNetwork): true, hostPID: true}}`,
			resource: `{spec: {hostPID: false}}`, want: StatusSkip,
			contains: "conditional anchor key doesn't exist in the resource"},
		{name: "conditional filters list elements",
			pattern:  `{spec: {containers: [{(name): "sidecar-*", image: "registry/*"}]}}`,
			resource: `{spec: {containers: [{name: app, image: x}, {name: sidecar-a, image: registry/a}]}}`,
			want:     StatusPass},
		{name: "conditional filtered element fails",
			pattern:  `{spec: {containers: [{(name): "sidecar-*", image: "registry/*"}]}}`,
			resource: `{spec: {containers: [{name: app, image: x}, {name: sidecar-a, image: docker/a}]}}`,
			want:     StatusFail, path: "/spec/containers/1/image/"},
		{name: "conditional skipping every element skips the pattern",
			pattern:  `{spec: {containers: [{(name): "sidecar-*", image: "registry/*"}]}}`,
			resource: `{spec: {containers: [{name: app, image: x}]}}`, want: StatusSkip},
		{name: "conditional on nested map", pattern: `{spec: {(securityContext): {(runAsUser): 0}, hostPID: false}}`,
			resource: `{spec: {securityContext: {runAsUser: 1000}, hostPID: true}}`, want: StatusSkip},
		{name: "conditional evaluated before negation",
			pattern:  `{spec: {(name): web, X(hostPath): null}}`,
			resource: `{spec: {name: db, hostPath: {}}}`, want: StatusSkip},
		{name: "negation inside conditional skips",
			pattern:  `{spec: {(volumes): [{X(hostPath): null}]}}`,
			resource: `{spec: {volumes: [{hostPath: {}}]}}`, want: StatusSkip},
		{name: "conditional inside existence does not skip",
			pattern:  `{spec: {^(containers): [{(name): web, image: nginx}]}}`,
			resource: `{spec: {containers: [{name: db, image: pg}]}}`, want: StatusFail},
		// global
		{name: "global holds then check applies",
			pattern:  `{spec: {containers: [{name: "*", <(image): "corp.io/*"}], imagePullSecrets: [{name: corp}]}}`,
			resource: `{spec: {containers: [{name: a, image: corp.io/a}], imagePullSecrets: [{name: other}]}}`,
			want:     StatusFail, path: "/spec/imagePullSecrets/0/name/"},
		{name: "global mismatch skips the whole pattern",
			pattern:  `{spec: {containers: [{name: "*", <(image): "corp.io/*"}], imagePullSecrets: [{name: corp}]}}`,
			resource: `{spec: {containers: [{name: a, image: docker.io/a}], imagePullSecrets: [{name: other}]}}`,
			want:     StatusSkip, contains: "global anchor mismatch"},
		{name: "global mixed elements pass",
			pattern:  `{spec: {containers: [{name: "*", <(image): "*:latest", imagePullPolicy: "!Always"}]}}`,
			resource: `{spec: {containers: [{name: a, image: "a:latest", imagePullPolicy: IfNotPresent}, {name: b, image: "b:v2", imagePullPolicy: Always}]}}`,
			want:     StatusPass},
		{name: "global absent does not skip", pattern: `{metadata: {labels: {<(foo): bar}}, spec: {x: 1}}`,
			resource: `{metadata: {labels: {}}, spec: {x: 2}}`, want: StatusFail, path: "/spec/x/"},
		{name: "global on map key skips", pattern: `{metadata: {<(name): nginx}, spec: {imagePullSecrets: [{name: regcred}]}}`,
			resource: `{metadata: {name: somename}, spec: {imagePullSecrets: [{name: cred}]}}`, want: StatusSkip},
		// nesting through equality anchors
		{name: "skip propagates through equality anchor",
			pattern:  `{spec: {=(volumes): [{(name): "!cache-volume", =(emptyDir): {sizeLimit: "?*"}}]}}`,
			resource: `{spec: {volumes: [{name: cache-volume, emptyDir: {}}]}}`, want: StatusSkip},
		{name: "equality nested object must match",
			pattern:  `{spec: {=(volumes): [{(name): "!cache-volume", =(emptyDir): {sizeLimit: "?*"}}]}}`,
			resource: `{spec: {volumes: [{name: data, emptyDir: {}}]}}`, want: StatusFail,
			path: "/spec/volumes/0/emptyDir/sizeLimit/"},
	})
}

func TestMatchWildcardKeys(t *testing.T) {
	runMatchRows(t, []matchRow{
		{name: "wildcard key matches", pattern: `{metadata: {annotations: {"test/*": value1}}}`,
			resource: `{metadata: {annotations: {"test/bar": value1}}}`, want: StatusPass},
		{name: "question mark key", pattern: `{metadata: {annotations: {"test/b??": "v*"}}}`,
			resource: `{metadata: {annotations: {"test/bar": value1}}}`, want: StatusPass},
		{name: "wildcard key without match fails", pattern: `{metadata: {labels: {"foo/X*": bar, "foo/A*": bar2}}}`,
			resource: `{metadata: {labels: {"foo/XYZ": bar}}}`, want: StatusFail, path: "/metadata/labels/foo/A*/"},
		{name: "every matching key must hold", pattern: `{metadata: {labels: {"foo/ABC*": bar}}}`,
			resource: `{metadata: {labels: {"foo/AB?": bar, "foo/ABC": bar2, "foo/ABCD": bar}}}`, want: StatusFail,
			path: "/metadata/labels/foo/ABC/"},
		{name: "first failing key in order is reported", pattern: `{metadata: {labels: {"app*": "ok"}}}`,
			resource: `{metadata: {labels: {appz: bad, appa: bad, appm: ok}}}`, want: StatusFail,
			path: "/metadata/labels/appa/"},
		{name: "wildcard under equality anchors", pattern: `{=(metadata): {=(labels): {"foo/1*": bar, "foo/4*": bar2}}}`,
			resource: `{metadata: {labels: {"foo/123": bar}}}`, want: StatusFail, path: "/metadata/labels/foo/4*/"},
		{name: "equality wildcard key absent passes",
			pattern:  `{metadata: {=(annotations): {=(container.apparmor.security.beta.kubernetes.io/*): "runtime/default | localhost/*"}}}`,
			resource: `{metadata: {annotations: {other: x}}}`, want: StatusPass},
		{name: "equality wildcard key checks all matches",
			pattern:  `{metadata: {=(annotations): {=(container.apparmor.security.beta.kubernetes.io/*): "runtime/default | localhost/*"}}}`,
			resource: `{metadata: {annotations: {container.apparmor.security.beta.kubernetes.io/a: runtime/default, container.apparmor.security.beta.kubernetes.io/b: unconfined}}}`,
			want:     StatusFail, path: "/metadata/annotations/container.apparmor.security.beta.kubernetes.io/b/"},
		{name: "negation wildcard key", pattern: `{metadata: {=(annotations): {X(fluxcd.io/*): "*?"}}}`,
			resource: `{metadata: {annotations: {fluxcd.io/automated: "true"}}}`, want: StatusFail,
			path: "/metadata/annotations/fluxcd.io/automated/"},
		{name: "negation wildcard key absent", pattern: `{metadata: {=(annotations): {X(fluxcd.io/*): "*?"}}}`,
			resource: `{metadata: {annotations: {a: b}}}`, want: StatusPass},
		{name: "conditional wildcard key absent skips", pattern: `{metadata: {labels: {(team-*): "?*"}}, spec: {x: 1}}`,
			resource: `{metadata: {labels: {}}, spec: {x: 2}}`, want: StatusSkip},
		{name: "star key applies to every key", pattern: `{data: {"*": "?*"}}`, resource: `{data: {a: x, b: ""}}`,
			want: StatusFail, path: "/data/b/"},
	})
}

func TestMatchIsDeterministic(t *testing.T) {
	p := mustCompile(t, `{spec: {(a): 1, =(b): 2, X(c): null, ^(d): [{e: 1}], <(f): 3, g: 4, h: {=(i): 5}}}`)
	r := decode(t, `{spec: {a: 1, b: 3, c: 1, d: [{e: 2}], f: 4, g: 5, h: {i: 6}}}`)
	first := p.Match(r)
	require.Equal(t, StatusFail, first.Status)
	assert.Equal(t, "/spec/b/", first.Path, "anchors are evaluated in key order: (a), =(b), X(c), ^(d)")
	for range 50 {
		assert.Equal(t, first, p.Match(r))
	}
}

func TestCompileErrors(t *testing.T) {
	tests := []struct {
		name    string
		pattern any
		is      error
		at      string
	}{
		{"unsupported leaf", map[string]any{"spec": map[string]any{"x": int32(1)}}, ErrUnsupportedType, "spec.x"},
		{"unsupported root", struct{}{}, ErrUnsupportedType, "(root)"},
		{"existence needs a list", decode(t, `{spec: {^(containers): {name: a}}}`), ErrBadAnchor, "spec.^(containers)"},
		{"existence needs items", decode(t, `{spec: {^(containers): []}}`), ErrBadAnchor, "spec.^(containers)"},
		{"quoted dotted keys", map[string]any{"metadata": map[string]any{"labels": map[string]any{
			"app.kubernetes.io/*": []any{uint(1)}}}}, ErrUnsupportedType, `metadata.labels."app.kubernetes.io/*"[0]`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Compile(tt.pattern)
			require.ErrorIs(t, err, tt.is)
			assert.Contains(t, err.Error(), "pattern "+tt.at+":")
		})
	}
}

func TestParseAnchor(t *testing.T) {
	tests := []struct {
		raw  string
		kind anchorKind
		key  string
	}{
		{"(name)", anchorCondition, "name"},
		{" (name) ", anchorCondition, "name"},
		{"=(name)", anchorEquality, "name"},
		{"X(name)", anchorNegation, "name"},
		{"^(name)", anchorExistence, "name"},
		{"<(name)", anchorGlobal, "name"},
		{"+(name)", anchorAddIfNotPresent, "name"},
		{"((name))", anchorCondition, "(name)"},
		{"()", anchorNone, "()"},
		{"=()", anchorNone, "=()"},
		{"Y(name)", anchorNone, "Y(name)"},
		{"name", anchorNone, "name"},
		{"(a\nb)", anchorNone, "(a\nb)"},
	}
	for _, tt := range tests {
		kind, key := parseAnchor(tt.raw)
		assert.Equal(t, tt.kind, kind, tt.raw)
		assert.Equal(t, tt.key, key, tt.raw)
	}
}
