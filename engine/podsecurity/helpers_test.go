package podsecurity

import (
	"testing"

	"github.com/bylaw-dev/bylaw/api/v1alpha1"
	"github.com/stretchr/testify/require"
	"sigs.k8s.io/yaml"
)

// obj decodes a YAML (or JSON) document the way the engine receives resources.
func obj(t testing.TB, doc string) map[string]any {
	t.Helper()
	var out map[string]any
	require.NoError(t, yaml.Unmarshal([]byte(doc), &out))
	return out
}

// rule compiles a podSecurity block written in YAML.
func rule(t testing.TB, doc string) *Check {
	t.Helper()
	var ps v1alpha1.PodSecurity
	require.NoError(t, yaml.Unmarshal([]byte(doc), &ps))
	c, err := Compile(&ps)
	require.NoError(t, err)
	return c
}

// restrictedPod is a pod that passes the restricted level at every version.
const restrictedPod = `
apiVersion: v1
kind: Pod
metadata:
  name: good
  annotations:
    team: a
spec:
  securityContext:
    runAsNonRoot: true
    seccompProfile:
      type: RuntimeDefault
  volumes:
  - name: data
    emptyDir: {}
  containers:
  - name: app
    image: ghcr.io/acme/app:1.2.3
    ports:
    - containerPort: 8080
    securityContext:
      allowPrivilegeEscalation: false
      capabilities:
        drop: [ALL]
        add: [NET_BIND_SERVICE]
    volumeMounts:
    - name: data
      mountPath: /data
`

// violatingPod fails baseline and restricted checks in several containers.
const violatingPod = `
apiVersion: v1
kind: Pod
metadata:
  name: bad
spec:
  hostNetwork: true
  securityContext:
    seccompProfile:
      type: Unconfined
  volumes:
  - name: host
    hostPath:
      path: /var/run
  initContainers:
  - name: init
    image: busybox:1.36
    securityContext:
      privileged: true
  containers:
  - name: app
    image: nginx:1.27
    ports:
    - containerPort: 80
      hostPort: 80
    securityContext:
      capabilities:
        add: [SYS_ADMIN]
  - name: sidecar
    image: ghcr.io/acme/sidecar:2
    securityContext:
      runAsUser: 0
`
