package mutate

import "testing"

// BenchmarkStrategicMerge applies an add-if-not-present labels and securityContext-defaults overlay to a Pod.
func BenchmarkStrategicMerge(b *testing.B) {
	resource := decodeYAML(b, `
apiVersion: v1
kind: Pod
metadata:
  name: web
  namespace: prod
  labels: {app: web, tier: frontend}
spec:
  serviceAccountName: web
  containers:
  - name: web
    image: nginx:1.27
    ports: [{containerPort: 80, protocol: TCP}]
    resources: {limits: {cpu: 500m, memory: 256Mi}, requests: {cpu: 100m, memory: 128Mi}}
    volumeMounts: [{name: data, mountPath: /data}]
  - name: sidecar
    image: busybox:1.36
    args: [sleep, infinity]
  volumes: [{name: data, emptyDir: {}}]
`)
	overlay := decodeYAML(b, `
metadata:
  labels: {+(team): core, +(app): default}
spec:
  securityContext: {+(runAsNonRoot): true, +(runAsUser): 1000, +(runAsGroup): 3000, +(fsGroup): 2000}
`)
	if _, err := StrategicMerge(resource, overlay); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := StrategicMerge(resource, overlay); err != nil {
			b.Fatal(err)
		}
	}
}
