package podsecurity

import (
	"testing"

	"github.com/bylaw-dev/bylaw/api/v1alpha1"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"sigs.k8s.io/yaml"
)

func TestCompileErrors(t *testing.T) {
	tests := []struct {
		name    string
		rule    string
		wantErr string
	}{
		{"unknown level", "level: strict", `podSecurity.level "strict"`},
		{"missing level", "version: latest", `podSecurity.level ""`},
		{"version without v", "level: baseline\nversion: \"1.25\"", `podSecurity.version "1.25"`},
		{"major version 2", "level: baseline\nversion: v2.0", `podSecurity.version "v2.0"`},
		{"unknown control", "level: baseline\nexclude:\n- controlName: Privileged", `podSecurity.exclude[0].controlName "Privileged"`},
		{"restricted control at baseline", "level: baseline\nexclude:\n- controlName: Running as Non-root",
			`podSecurity.exclude[0].controlName "Running as Non-root": not a control of the baseline level`},
		{"container control without images", "level: baseline\nexclude:\n- controlName: Host Namespaces\n- controlName: Capabilities",
			`podSecurity.exclude[1].images: required for the container-level control "Capabilities"`},
		{"pod control with images", "level: baseline\nexclude:\n- controlName: Sysctls\n  images: ['*']",
			`podSecurity.exclude[0].images: not allowed for the pod-level control "Sysctls"`},
		{"restrictedField without values", "level: baseline\nexclude:\n- controlName: Seccomp\n  restrictedField: spec.securityContext.seccompProfile.type",
			`podSecurity.exclude[0].values: required with restrictedField`},
		{"values without restrictedField", "level: baseline\nexclude:\n- controlName: Seccomp\n  values: [Unconfined]",
			`podSecurity.exclude[0].restrictedField: required with values`},
		{"empty image", "level: baseline\nexclude:\n- controlName: Capabilities\n  images: [nginx, '']",
			`podSecurity.exclude[0].images[1]: empty image pattern`},
		{"field of another control", "level: baseline\nexclude:\n- controlName: Seccomp\n  restrictedField: spec.hostNetwork\n  values: ['true']",
			`podSecurity.exclude[0].restrictedField "spec.hostNetwork": not a restricted field of control "Seccomp"`},
		{"field without list wildcard", "level: baseline\nexclude:\n- controlName: Host Ports\n  images: [nginx]\n  restrictedField: spec.containers[*].ports.hostPort\n  values: ['80']",
			`podSecurity.exclude[0].restrictedField "spec.containers[*].ports.hostPort"`},
		{"bare annotations field", "level: baseline\nexclude:\n- controlName: AppArmor\n  restrictedField: metadata.annotations\n  values: [unconfined]",
			`podSecurity.exclude[0].restrictedField "metadata.annotations"`},
		{"allowed volume type", "level: restricted\nexclude:\n- controlName: Volume Types\n  restrictedField: spec.volumes[*].emptyDir\n  values: ['']",
			`podSecurity.exclude[0].restrictedField "spec.volumes[*].emptyDir"`},
		{"container field at pod level", "level: baseline\nexclude:\n- controlName: Privileged Containers\n  images: [x]\n  restrictedField: spec.securityContext.privileged\n  values: ['true']",
			`podSecurity.exclude[0].restrictedField "spec.securityContext.privileged"`},
		{"field with blanks", "level: baseline\nexclude:\n- controlName: Sysctls\n  restrictedField: 'spec. hostNetwork'\n  values: [x]",
			`podSecurity.exclude[0].restrictedField: invalid field path`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var ps v1alpha1.PodSecurity
			require.NoError(t, yaml.Unmarshal([]byte(tc.rule), &ps))
			_, err := Compile(&ps)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.wantErr)
		})
	}
	_, err := Compile(nil)
	assert.EqualError(t, err, "podSecurity: missing")
}

func TestCompileAccepts(t *testing.T) {
	tests := []struct {
		name       string
		rule       string
		wantChecks []string // a few check IDs that must be selected
		wantAbsent []string
	}{
		{"privileged runs nothing", "level: privileged", nil, []string{"privileged"}},
		{"baseline latest", "level: baseline\nversion: latest", []string{"privileged", "hostProbesAndHostLifecycle"},
			[]string{"runAsNonRoot", "capabilities_restricted"}},
		{"empty version is latest", "level: baseline", []string{"hostProbesAndHostLifecycle"}, nil},
		{"restricted keeps overridden baseline checks", "level: restricted",
			[]string{"hostPathVolumes", "restrictedVolumes", "capabilities_baseline", "capabilities_restricted"}, nil},
		{"pinned version drops newer checks", "level: restricted\nversion: v1.21",
			[]string{"runAsNonRoot"}, []string{"capabilities_restricted", "runAsUser", "hostProbesAndHostLifecycle"}},
		{"every kind of exclusion", `
level: restricted
version: v1.30
exclude:
- controlName: Host Namespaces
- controlName: Capabilities
  images: [nginx*, "*/redis:?"]
- controlName: Seccomp
  restrictedField: spec.securityContext.seccompProfile.type
  values: [Unconfined]
- controlName: Seccomp
  images: ['*']
  restrictedField: spec.initContainers[*].securityContext.seccompProfile.type
  values: [Unconfined]
- controlName: AppArmor
  restrictedField: metadata.annotations[container.apparmor.security.beta.kubernetes.io/app]
  values: [unconfined]
- controlName: Volume Types
  restrictedField: spec.volumes[*].nfs
  values: ['']
- controlName: Host Probes / Lifecycle Hooks
  images: [probe]
  restrictedField: spec.ephemeralContainers[*].lifecycle.preStop.httpGet.host
  values: [localhost]
- controlName: Running as Non-root user
  restrictedField: spec.securityContext.runAsUser
  values: ['0']
`, []string{"hostNamespaces", "seccompProfile_restricted"}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := rule(t, tc.rule)
			ids := map[string]bool{}
			for _, cc := range c.checks {
				ids[cc.id] = true
			}
			for _, id := range tc.wantChecks {
				assert.True(t, ids[id], "check %s selected", id)
			}
			for _, id := range tc.wantAbsent {
				assert.False(t, ids[id], "check %s not selected", id)
			}
		})
	}
}
