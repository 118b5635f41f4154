package cel

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/bylaw-dev/bylaw/api/v1alpha1"
)

// benchPod is the pod of the pattern benchmark (engine/pattern), with every container dropping all capabilities
// and disallowing privilege escalation so that it passes every pod-security-cel rule (a passing pod is the most
// expensive case: every container is visited).
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
    securityContext: {privileged: false, allowPrivilegeEscalation: false, capabilities: {drop: [ALL]}}
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
    securityContext: {allowPrivilegeEscalation: false, capabilities: {drop: [ALL]}}
    resources:
      limits: {memory: 128Mi, cpu: 100m}
`

// benchRule is used when the corpus is absent: the baseline capabilities check of pod-security-cel.
var benchRule = &v1alpha1.CEL{
	Variables: vars(
		"allowedCapabilities", "['AUDIT_WRITE','CHOWN','DAC_OVERRIDE','FOWNER','FSETID','KILL','MKNOD','NET_BIND_SERVICE','SETFCAP','SETGID','SETPCAP','SETUID','SYS_CHROOT']",
		"allContainers", "(object.spec.containers + (has(object.spec.initContainers) ? object.spec.initContainers : []) + (has(object.spec.ephemeralContainers) ? object.spec.ephemeralContainers : []))",
	),
	Expressions: exprs(`variables.allContainers.all(container, container.?securityContext.?capabilities.?add.orValue([]).all(capability, capability == '' || capability in variables.allowedCapabilities))`, "capabilities", ""),
}

// loopCPU runs f b.N times and reports the process CPU time per iteration (cpu-ns/op), which a loaded, shared
// machine distorts much less than wall time.
func loopCPU(b *testing.B, f func(i int)) {
	b.ReportAllocs()
	start := processCPUTime()
	i := 0
	for b.Loop() {
		f(i)
		i++
	}
	if used := processCPUTime() - start; used > 0 {
		b.ReportMetric(float64(used.Nanoseconds())/float64(b.N), "cpu-ns/op")
	}
}

// benchPrograms compiles the Pod rules of the pod-security-cel policies, or benchRule without the corpus.
func benchPrograms(b *testing.B, c *Compiler) map[string]*Program {
	out := map[string]*Program{}
	root := corpusDir()
	if root == "" {
		p, err := c.Compile(benchRule)
		require.NoError(b, err)
		out["adding-capabilities"] = p
		return out
	}
	files, err := filepath.Glob(filepath.Join(root, "pod-security-cel", "*", "*", "*.yaml"))
	require.NoError(b, err)
	for _, f := range files {
		for _, pol := range policiesInFile(b, f) {
			for i := range pol.spec.Rules {
				rule := &pol.spec.Rules[i]
				if !hasCEL(*rule) || !matchesPods(rule) {
					continue
				}
				p, err := c.Compile(rule.Validation.CEL, WithMessage(rule.Validation.Message))
				require.NoError(b, err)
				out[pol.name+"/"+rule.Name] = p
			}
		}
	}
	require.NotEmpty(b, out)
	return out
}

// BenchmarkEvaluate measures rule evaluations on a compliant pod: all rules of pod-security-cel in turn on a plain
// and on a prepared input (ns/op is per rule), preparing the input, preparing it and running every rule once,
// all rules in parallel on every core (rules/s is the throughput), and each rule alone on the prepared input.
func BenchmarkEvaluate(b *testing.B) {
	c := newCompiler(b)
	progs := benchPrograms(b, c)
	pod := obj(b, benchPod)
	in := Input{Object: pod, Request: podRequest("CREATE", "web", "shop")}
	ctx := context.Background()
	prepared := in.Prepare()
	list := make([]*Program, 0, len(progs))
	for name, p := range progs {
		require.Equal(b, StatusPass, p.Evaluate(ctx, in).Status, name)
		list = append(list, p)
	}
	b.Run("each-rule", func(b *testing.B) {
		loopCPU(b, func(i int) { list[i%len(list)].Evaluate(ctx, in) })
	})
	b.Run("each-rule-prepared", func(b *testing.B) {
		loopCPU(b, func(i int) { list[i%len(list)].Evaluate(ctx, prepared) })
	})
	b.Run("prepare-only", func(b *testing.B) {
		loopCPU(b, func(int) {
			in := in.Prepare()
			in.prepared.object.get(in.Object)
			inputSize(&in, []readPath{{root: rootObject}})
		})
	})
	b.Run("prepare-then-all-rules", func(b *testing.B) {
		loopCPU(b, func(int) {
			in := in.Prepare()
			for _, p := range list {
				p.Evaluate(ctx, in)
			}
		})
		b.ReportMetric(float64(len(list)), "rules/op")
	})
	b.Run("parallel", func(b *testing.B) {
		b.ReportAllocs()
		start := processCPUTime()
		b.RunParallel(func(pb *testing.PB) {
			i := 0
			for pb.Next() {
				list[i%len(list)].Evaluate(ctx, prepared)
				i++
			}
		})
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "rules/s")
		if used := processCPUTime() - start; used > 0 {
			b.ReportMetric(float64(used.Nanoseconds())/float64(b.N), "cpu-ns/op")
		}
	})
	for name, p := range progs {
		b.Run(filepath.Base(name), func(b *testing.B) {
			loopCPU(b, func(int) { p.Evaluate(ctx, prepared) })
		})
	}
}

// BenchmarkEvaluateFailing measures a failing evaluation (message resolution included).
func BenchmarkEvaluateFailing(b *testing.B) {
	c := newCompiler(b)
	p, err := c.Compile(benchRule)
	require.NoError(b, err)
	pod := obj(b, benchPod)
	pod["spec"].(map[string]any)["containers"].([]any)[1].(map[string]any)["securityContext"] = map[string]any{
		"capabilities": map[string]any{"add": []any{"SYS_ADMIN"}},
	}
	in := Input{Object: pod, Request: podRequest("CREATE", "web", "shop")}
	ctx := context.Background()
	require.Equal(b, StatusFail, p.Evaluate(ctx, in).Status)
	loopCPU(b, func(int) { p.Evaluate(ctx, in) })
}

// BenchmarkCompile measures compiling one rule with variables.
func BenchmarkCompile(b *testing.B) {
	c := newCompiler(b)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := c.Compile(benchRule); err != nil {
			b.Fatal(err)
		}
	}
}
