package gen

import "fmt"

func containers(r *rng, a app) []any {
	out := []any{container(r, a.name, pick(r, a.images), a.port)}
	for k := range r.between(0, 2) {
		out = append(out, container(r, fmt.Sprintf("sidecar-%d", k+1), pick(r, sidecarImages()), int64(15000+k)))
	}
	return out
}

func initContainers(r *rng) []any {
	out := []any{}
	for k := range r.between(1, 2) {
		c := container(r, fmt.Sprintf("init-%d", k+1), pick(r, initImages()), 0)
		c["command"] = []any{"sh", "-c", pick(r, []string{"until nslookup db; do sleep 2; done", "cp -r /seed/. /data/",
			"/migrate up"})}
		out = append(out, c)
	}
	return out
}

func container(r *rng, name, image string, port int64) map[string]any {
	c := map[string]any{
		"name":            name,
		"image":           image,
		"imagePullPolicy": pick(r, []string{"IfNotPresent", "Always"}),
		"resources":       resources(r),
		"securityContext": containerSecurityContext(r),
	}
	if port > 0 {
		c["ports"] = []any{map[string]any{"name": "http", "containerPort": port, "protocol": "TCP"}}
		if r.chance(0.5) {
			c["readinessProbe"] = map[string]any{"httpGet": map[string]any{"path": "/healthz", "port": port},
				"periodSeconds": int64(10)}
		}
	}
	if r.chance(0.6) {
		c["env"] = []any{
			map[string]any{"name": "LOG_LEVEL", "value": pick(r, []string{"info", "debug", "warn"})},
			map[string]any{"name": "POD_NAME", "valueFrom": map[string]any{"fieldRef": map[string]any{"fieldPath": "metadata.name"}}},
		}
	}
	return c
}

func resources(r *rng) map[string]any {
	cpu := pick(r, []string{"50m", "100m", "250m", "500m", "1"})
	mem := pick(r, []string{"64Mi", "128Mi", "256Mi", "512Mi", "1Gi"})
	res := map[string]any{"requests": map[string]any{"cpu": cpu, "memory": mem}}
	if r.chance(0.7) {
		res["limits"] = map[string]any{"memory": mem}
	}
	return res
}

func containerSecurityContext(r *rng) map[string]any {
	sc := map[string]any{
		"allowPrivilegeEscalation": false,
		"capabilities":             map[string]any{"drop": []any{"ALL"}},
	}
	if r.chance(0.6) {
		sc["readOnlyRootFilesystem"] = true
	}
	if r.chance(0.2) {
		sc["runAsUser"] = int64(r.between(1000, 65000))
	}
	if r.chance(0.1) {
		sc["privileged"] = false
	}
	if r.chance(0.05) {
		sc["procMount"] = "Default"
	}
	return sc
}

// allContainers returns the init containers then the containers of a Pod spec.
func allContainers(spec map[string]any) []map[string]any {
	var out []map[string]any
	for _, key := range []string{"initContainers", "containers"} {
		list, _ := spec[key].([]any)
		for _, c := range list {
			out = append(out, c.(map[string]any))
		}
	}
	return out
}

// randomContainer returns one container or init container of spec, uniformly.
func randomContainer(r *rng, spec map[string]any) map[string]any {
	return pick(r, allContainers(spec))
}

// securityContextOf returns the securityContext map of a container or Pod spec, creating it when absent.
func securityContextOf(obj map[string]any) map[string]any {
	sc, ok := obj["securityContext"].(map[string]any)
	if !ok {
		sc = map[string]any{}
		obj["securityContext"] = sc
	}
	return sc
}
