package gen

import "fmt"

// app is a kind of workload: its name prefix, tier and the images it runs.
type app struct {
	name, tier string
	images     []string
	port       int64
}

func apps() []app {
	return []app{
		{"web", "frontend", []string{"docker.io/library/nginx:1.27.2", "nginx:1.25-alpine"}, 8080},
		{"api", "backend", []string{"ghcr.io/acme/orders-api:v2.14.3", "123456789012.dkr.ecr.us-east-1.amazonaws.com/api:2024.10.1"}, 8443},
		{"worker", "backend", []string{"quay.io/acme/worker:3.1.0", "acmeprod.azurecr.io/jobs/worker:3.1.0"}, 9000},
		{"cache", "data", []string{"docker.io/library/redis:7.4.1", "public.ecr.aws/docker/library/redis:7.2"}, 6379},
		{"db-proxy", "data", []string{"gcr.io/cloud-sql-connectors/cloud-sql-proxy:2.13.0"}, 5432},
		{"metrics", "observability", []string{"quay.io/prometheus/node-exporter:v1.8.2", "registry.k8s.io/kube-state-metrics/kube-state-metrics:v2.13.0"}, 9100},
		{"ml-serve", "backend", []string{"nvcr.io/nvidia/tritonserver:24.09-py3", "us-docker.pkg.dev/acme-ml/serving/model:7f3c2a1"}, 8000},
		{"batch", "jobs", []string{"gcr.io/distroless/static-debian12@sha256:8dd8d3ca2cf283383304fd45a5c9c74d5f2cd9da8d3b077d720e264880077c65"}, 0},
	}
}

func namespaces() []string {
	return []string{"default", "payments", "web", "data", "monitoring", "batch", "ml", "auth"}
}

func sidecarImages() []string {
	return []string{
		"docker.io/envoyproxy/envoy:v1.31.2", "cr.l5d.io/linkerd/proxy:stable-2.14.10",
		"docker.io/fluent/fluent-bit:3.1.9", "registry.k8s.io/pause:3.10",
	}
}

func initImages() []string {
	return []string{"busybox:1.36", "docker.io/library/alpine:3.20", "ghcr.io/acme/migrate:v1.9.0"}
}

// newPod builds a compliant Pod: it passes every pod-security baseline and restricted policy of the corpus.
func newPod(r *rng, i int) map[string]any {
	a := pick(r, apps())
	spec := map[string]any{
		"containers":         containers(r, a),
		"securityContext":    podSecurityContext(r),
		"serviceAccountName": a.name,
		"restartPolicy":      restartPolicy(a),
	}
	if r.chance(0.3) {
		spec["initContainers"] = initContainers(r)
	}
	if vols := volumes(r); len(vols) > 0 {
		spec["volumes"] = vols
		mountVolumes(r, spec, vols)
	}
	addSchedulingHints(r, spec)
	if r.chance(0.5) {
		seccompPerContainer(spec)
	}
	meta := podMetadata(r, a, i)
	if r.chance(0.2) {
		annotate(meta, "container.apparmor.security.beta.kubernetes.io/"+a.name, pick(r, []string{"runtime/default",
			"localhost/k8s-apparmor-default"}))
	}
	return map[string]any{"apiVersion": "v1", "kind": "Pod", "metadata": meta, "spec": spec}
}

func restartPolicy(a app) string {
	if a.tier == "jobs" {
		return "OnFailure"
	}
	return "Always"
}

func podMetadata(r *rng, a app, i int) map[string]any {
	labels := map[string]any{
		"app":                          a.name,
		"tier":                         a.tier,
		"app.kubernetes.io/name":       a.name,
		"app.kubernetes.io/version":    fmt.Sprintf("1.%d.%d", r.between(0, 20), r.between(0, 9)),
		"app.kubernetes.io/managed-by": pick(r, []string{"Helm", "kustomize", "argocd"}),
	}
	if r.chance(0.4) {
		labels["team"] = pick(r, []string{"checkout", "platform", "search", "growth", "sre"})
	}
	meta := map[string]any{
		"name":      podName(a.name, i),
		"namespace": pick(r, namespaces()),
		"labels":    labels,
	}
	if r.chance(0.3) {
		annotate(meta, "prometheus.io/scrape", "true")
		annotate(meta, "prometheus.io/port", "9090")
	}
	return meta
}

// annotate sets an annotation on a Pod (or on its metadata map when given one directly).
func annotate(obj map[string]any, key, value string) {
	meta := obj
	if m, ok := obj["metadata"].(map[string]any); ok {
		meta = m
	}
	ann, ok := meta["annotations"].(map[string]any)
	if !ok {
		ann = map[string]any{}
		meta["annotations"] = ann
	}
	ann[key] = value
}

func podSecurityContext(r *rng) map[string]any {
	sc := map[string]any{
		"runAsNonRoot":   true,
		"seccompProfile": map[string]any{"type": "RuntimeDefault"},
	}
	if r.chance(0.7) {
		uid := int64(r.between(1000, 65000))
		sc["runAsUser"], sc["runAsGroup"], sc["fsGroup"] = uid, uid, uid
	}
	return sc
}

// seccompPerContainer moves the seccomp profile from the Pod to every container, the other compliant form.
func seccompPerContainer(spec map[string]any) {
	delete(securityContextOf(spec), "seccompProfile")
	for _, c := range allContainers(spec) {
		securityContextOf(c)["seccompProfile"] = map[string]any{"type": "RuntimeDefault"}
	}
}

func addSchedulingHints(r *rng, spec map[string]any) {
	if r.chance(0.25) {
		spec["nodeSelector"] = map[string]any{"kubernetes.io/os": "linux", "node.kubernetes.io/instance-type": pick(r,
			[]string{"m6i.large", "c6i.xlarge", "g5.2xlarge"})}
	}
	if r.chance(0.2) {
		spec["tolerations"] = []any{map[string]any{"key": "dedicated", "operator": "Equal",
			"value": pick(r, []string{"gpu", "batch", "infra"}), "effect": "NoSchedule"}}
	}
	if r.chance(0.5) {
		spec["terminationGracePeriodSeconds"] = int64(pick(r, []int{10, 30, 60}))
	}
	if r.chance(0.3) {
		spec["hostNetwork"] = false // explicitly compliant
	}
}

func volumes(r *rng) []any {
	all := []map[string]any{
		{"name": "config", "configMap": map[string]any{"name": "app-config"}},
		{"name": "tls", "secret": map[string]any{"secretName": "app-tls", "defaultMode": int64(0o400)}},
		{"name": "tmp", "emptyDir": map[string]any{"sizeLimit": "256Mi"}},
		{"name": "token", "projected": map[string]any{"sources": []any{map[string]any{"serviceAccountToken": map[string]any{
			"path": "token", "expirationSeconds": int64(3600), "audience": "vault"}}}}},
		{"name": "data", "persistentVolumeClaim": map[string]any{"claimName": "data-pvc"}},
		{"name": "podinfo", "downwardAPI": map[string]any{"items": []any{map[string]any{"path": "labels",
			"fieldRef": map[string]any{"fieldPath": "metadata.labels"}}}}},
		{"name": "secrets-store", "csi": map[string]any{"driver": "secrets-store.csi.k8s.io", "readOnly": true}},
	}
	n := r.between(0, 3)
	start := r.between(0, len(all)-1)
	out := make([]any, 0, n)
	for k := range n {
		out = append(out, all[(start+k)%len(all)])
	}
	return out
}

func addVolume(r *rng, spec map[string]any, v map[string]any) {
	vols, _ := spec["volumes"].([]any)
	spec["volumes"] = append(vols, v)
	c := randomContainer(r, spec)
	mounts, _ := c["volumeMounts"].([]any)
	c["volumeMounts"] = append(mounts, map[string]any{"name": v["name"], "mountPath": "/mnt/" + v["name"].(string)})
}

func mountVolumes(r *rng, spec map[string]any, vols []any) {
	for _, v := range vols {
		name := v.(map[string]any)["name"].(string)
		c := randomContainer(r, spec)
		mounts, _ := c["volumeMounts"].([]any)
		c["volumeMounts"] = append(mounts, map[string]any{"name": name, "mountPath": "/var/" + name, "readOnly": r.chance(0.6)})
	}
}
