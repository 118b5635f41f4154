package match

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseKindSelector(t *testing.T) {
	tests := []struct {
		in                   string
		group, version, kind string
		sub                  string
	}{
		{"Pod", "*", "*", "Pod", ""},
		{"*", "*", "*", "*", ""},
		{"*Role*", "*", "*", "*Role*", ""},
		{"v1/Pod", "*", "v1", "Pod", ""},
		{"v2beta1/HorizontalPodAutoscaler", "*", "v2beta1", "HorizontalPodAutoscaler", ""},
		{"*/Pod", "*", "*", "Pod", ""},
		{"*/*", "*", "*", "*", "*"},
		{"*/status", "*", "*", "*", "status"},
		{"Pod/status", "*", "*", "Pod", "status"},
		{"Pod.status", "*", "*", "Pod", "status"},
		{"Pod/*", "*", "*", "Pod", "*"},
		{"v1/Pod/status", "*", "v1", "Pod", "status"},
		{"v1/Pod.eviction", "*", "v1", "Pod", "eviction"},
		{"apps/v1/Deployment", "apps", "v1", "Deployment", ""},
		{"apps/*/Deployment", "apps", "*", "Deployment", ""},
		{"networking.k8s.io/v1/NetworkPolicy", "networking.k8s.io", "v1", "NetworkPolicy", ""},
		{"config.kio.kasten.io/v1alpha1/Policy", "config.kio.kasten.io", "v1alpha1", "Policy", ""},
		{"apps/v1/Deployment/scale", "apps", "v1", "Deployment", "scale"},
		{"apps/v1/Deployment.scale", "apps", "v1", "Deployment", "scale"},
		{"version1/Pod", "*", "*", "version1", "Pod"},
		{"Pod/exec", "*", "*", "Pod", "exec"},
		{"Pod.exec", "*", "*", "Pod", "exec"},
		{"v1/Pod/exec", "*", "v1", "Pod", "exec"},
		{"*/scale", "*", "*", "*", "scale"},
		{"Deploy*", "*", "*", "Deploy*", ""},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseKindSelector(tt.in)
			require.NoError(t, err)
			assert.Equal(t, KindSelector{Raw: tt.in, Group: tt.group, Version: tt.version, Kind: tt.kind,
				Subresource: tt.sub}, got)
		})
	}
}

func TestParseKindSelectorErrors(t *testing.T) {
	for _, in := range []string{"", "/Pod", "Pod.", "apps//Deployment", "Pod/", "a/b/c/d/e", "a/b/c/d.e"} {
		t.Run(in, func(t *testing.T) {
			_, err := ParseKindSelector(in)
			require.Error(t, err)
		})
	}
}

func TestIsVersionPart(t *testing.T) {
	tests := map[string]bool{
		"v1": true, "v10": true, "v1beta1": true, "v2alpha3": true, "*": true,
		"v": false, "v1beta": false, "v1gamma1": false, "apps": false, "V1": false, "1": false,
	}
	for in, want := range tests {
		assert.Equal(t, want, isVersionPart(in), in)
	}
}

func TestKindSelectorMatch(t *testing.T) {
	pod := res("Pod")
	deploy := res("Deployment", gv("apps", "v1"))
	tests := []struct {
		selector string
		resource Resource
		want     bool
	}{
		{"Pod", pod, true},
		{"pod", pod, false},
		{"Pod", res("Pod", sub("status")), false},
		{"Pod", res("Pod", sub("exec")), false},
		{"Pod", res("Pod", sub("ephemeralcontainers")), true},
		{"Pod", res("Pod", gv("example.com", "v1"), sub("ephemeralcontainers")), false},
		{"Pod/ephemeralcontainers", res("Pod", sub("ephemeralcontainers")), true},
		{"Pod/exec", res("Pod", sub("exec")), true},
		{"Pod/exec", pod, false},
		{"Pod/*", pod, true},
		{"Pod/*", res("Pod", sub("log")), true},
		{"v1/Pod.status", res("Pod", sub("status")), true},
		{"*/status", res("Deployment", gv("apps", "v1"), sub("status")), true},
		{"*/status", deploy, false},
		{"*", deploy, true},
		{"*", res("Deployment", gv("apps", "v1"), sub("scale")), false},
		{"*/*", res("Deployment", gv("apps", "v1"), sub("scale")), true},
		{"v1/Pod", pod, true},
		{"v2/Pod", pod, false},
		{"v1/Deployment", deploy, true},
		{"apps/v1/Deployment", deploy, true},
		{"apps/*/Deployment", res("Deployment", gv("apps", "v1beta2")), true},
		{"extensions/*/Deployment", deploy, false},
		{"apps/v1/Deployment/scale", res("Deployment", gv("apps", "v1"), sub("scale")), true},
		{"networking.k8s.io/v1/NetworkPolicy", res("NetworkPolicy", gv("networking.k8s.io", "v1")), true},
		{"networking.k8s.io/v1/NetworkPolicy", res("NetworkPolicy", gv("crd.antrea.io", "v1alpha1")), false},
		{"NetworkPolicy", res("NetworkPolicy", gv("crd.antrea.io", "v1alpha1")), true},
		{"*Role*", res("ClusterRoleBinding", gv("rbac.authorization.k8s.io", "v1")), true},
		{"*Role*", pod, false},
		{"Cluster?ole", res("ClusterRole", gv("rbac.authorization.k8s.io", "v1")), true},
	}
	for _, tt := range tests {
		t.Run(tt.selector+"~"+gvkString(&tt.resource), func(t *testing.T) {
			ks, err := compileKindSelector(tt.selector)
			require.NoError(t, err)
			assert.Equal(t, tt.want, ks.match(&tt.resource))
		})
	}
}
