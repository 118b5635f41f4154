package pattern

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// benchPattern joins the baseline pod-security checks (host namespaces, privileged, host paths, host ports,
// capabilities, AppArmor) into one pattern, as a pod admission would evaluate them.
const benchPattern = `
metadata:
  =(annotations):
    =(container.apparmor.security.beta.kubernetes.io/*): "runtime/default | localhost/*"
spec:
  =(hostNetwork): "false"
  =(hostPID): "false"
  =(hostIPC): "false"
  =(securityContext):
    =(runAsUser): ">0"
  =(volumes):
  - X(hostPath): "null"
  =(initContainers):
  - =(securityContext):
      =(privileged): "false"
      =(capabilities):
        =(add): "AUDIT_WRITE | CHOWN | DAC_OVERRIDE | FOWNER | KILL | NET_BIND_SERVICE | SETGID | SETUID"
    =(ports):
    - =(hostPort): 0
  containers:
  - name: "?*"
    image: "!*:latest"
    =(securityContext):
      =(privileged): "false"
      =(allowPrivilegeEscalation): "false"
      =(capabilities):
        =(add): "AUDIT_WRITE | CHOWN | DAC_OVERRIDE | FOWNER | KILL | NET_BIND_SERVICE | SETGID | SETUID"
    =(ports):
    - =(hostPort): 0
    resources:
      limits:
        memory: "<=2Gi"
        cpu: "?*"
`

const benchPod = `
apiVersion: v1
kind: Pod
metadata:
  name: web
  namespace: shop
  labels: {app: web, tier: frontend}
  annotations:
    container.apparmor.security.beta.kubernetes.io/web: runtime/default
    container.apparmor.security.beta.kubernetes.io/sidecar: localhost/custom
spec:
  hostNetwork: false
  securityContext: {runAsUser: 1000, fsGroup: 2000}
  volumes:
  - {name: data, emptyDir: {}}
  - {name: config, configMap: {name: web}}
  initContainers:
  - name: init
    image: busybox:1.36
    securityContext: {privileged: false}
  containers:
  - name: web
    image: ghcr.io/shop/web:1.4.2
    ports: [{containerPort: 8080}, {containerPort: 8443}]
    securityContext:
      privileged: false
      allowPrivilegeEscalation: false
      capabilities: {add: [NET_BIND_SERVICE], drop: [ALL]}
    resources:
      limits: {memory: 512Mi, cpu: 500m}
      requests: {memory: 256Mi, cpu: 250m}
  - name: sidecar
    image: ghcr.io/shop/proxy:2.0.0
    ports: [{containerPort: 15001}]
    securityContext: {allowPrivilegeEscalation: false}
    resources:
      limits: {memory: 128Mi, cpu: 100m}
`

func BenchmarkMatch(b *testing.B) {
	p := mustCompile(b, benchPattern)
	pod := withInt64(decode(b, benchPod))
	require.Equal(b, StatusPass, p.Match(pod).Status, "%+v", p.Match(pod))
	b.ReportAllocs()
	for b.Loop() {
		p.Match(pod)
	}
}

func BenchmarkMatchFailing(b *testing.B) {
	p := mustCompile(b, benchPattern)
	pod := withInt64(decode(b, benchPod))
	pod.(map[string]any)["spec"].(map[string]any)["hostPID"] = true
	require.Equal(b, StatusFail, p.Match(pod).Status)
	b.ReportAllocs()
	for b.Loop() {
		p.Match(pod)
	}
}
