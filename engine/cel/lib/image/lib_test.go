package image

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/bylaw-dev/bylaw/engine/cel/lib/libtest"
)

const digest = "sha256:6aefddb645ee6963afd681b1845c661d0ea4c3b20ab9db86d9e753b203d385f2"

// referenceCases are the references the table tests, and the fuzz target, start from.
var referenceCases = []struct {
	ref                                  string
	registry, repository, tag, digestStr string
	identifier, withSeparator            string
}{
	{"nginx", "index.docker.io", "library/nginx", "latest", "", "latest", ":latest"},
	{"nginx:1.25", "index.docker.io", "library/nginx", "1.25", "", "1.25", ":1.25"},
	{"docker.io/bitnami/redis:7", "index.docker.io", "bitnami/redis", "7", "", "7", ":7"},
	{"ghcr.io/kyverno/kyverno:v1.18.0", "ghcr.io", "kyverno/kyverno", "v1.18.0", "", "v1.18.0", ":v1.18.0"},
	{"localhost:5000/app", "localhost:5000", "app", "latest", "", "latest", ":latest"},
	{"registry.k8s.io/kube-apiserver-arm64@" + digest, "registry.k8s.io", "kube-apiserver-arm64", "", digest, digest, "@" + digest},
	{"registry.k8s.io/kube-apiserver-arm64:latest@" + digest, "registry.k8s.io", "kube-apiserver-arm64", "", digest, digest,
		":latest@" + digest},
}

func TestImageAccessors(t *testing.T) {
	env := libtest.Env(t, Lib())
	for _, tc := range referenceCases {
		for _, fn := range []string{"image", "parseImageReference"} {
			call := fn + `("` + tc.ref + `")`
			checks := map[string]any{
				call + ".registry()":                tc.registry,
				call + ".repository()":              tc.repository,
				call + ".tag()":                     tc.tag,
				call + ".digest()":                  tc.digestStr,
				call + ".identifier()":              tc.identifier,
				call + ".identifierWithSeparator()": tc.withSeparator,
				call + ".containsDigest()":          tc.digestStr != "",
				`isImage("` + tc.ref + `")`:         true,
				call + " == " + call:                true,
			}
			for expr, want := range checks {
				t.Run(expr, func(t *testing.T) {
					assert.Equal(t, want, libtest.Eval(t, env, expr, nil).Native(t))
				})
			}
		}
	}
}

func TestImageErrors(t *testing.T) {
	env := libtest.Env(t, Lib())
	tests := []struct{ expr, compileErr, evalErr string }{
		{expr: `image(1)`, compileErr: "found no matching overload"},
		{expr: `"nginx".registry()`, compileErr: "found no matching overload"},
		{expr: `parseImageReference("UPPER/case")`, evalErr: "could not parse reference: UPPER/case"},
		{expr: `image("nginx@sha256:short")`, evalErr: "could not parse reference"},
		{expr: `image("")`, evalErr: "could not parse reference"},
		{expr: `image(dyn(1))`, evalErr: "no such overload"},
	}
	for _, tt := range tests {
		t.Run(tt.expr, func(t *testing.T) {
			if tt.compileErr != "" {
				assert.Contains(t, libtest.CompileError(env, tt.expr), tt.compileErr)
				return
			}
			res := libtest.Eval(t, env, tt.expr, nil)
			require.Error(t, res.Err)
			assert.Contains(t, res.Err.Error(), tt.evalErr)
		})
	}
	for _, bad := range []string{"UPPER/case", "", "a b", "nginx@sha256:short", "nginx:"} {
		assert.Equal(t, false, libtest.Eval(t, env, `isImage("`+bad+`")`, nil).Native(t), bad)
	}
}
