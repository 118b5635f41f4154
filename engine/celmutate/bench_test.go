package celmutate

import (
	"context"
	"testing"

	"github.com/bylaw-dev/bylaw/engine/cel"
)

// BenchmarkRunPodDefaults measures a three-field ApplyConfiguration on a two-container Pod.
func BenchmarkRunPodDefaults(b *testing.B) {
	prog := compile(b, cel.Mutation{Type: cel.PatchTypeApplyConfiguration, Expression: `Object{
  metadata: Object.metadata{labels: {"managed": "true"}},
  spec: Object.spec{containers: object.spec.containers.map(c, Object.spec.containers{name: c.name, imagePullPolicy: "IfNotPresent"})}}`})
	conv := NewConverters()
	obj := decode(b, pod)
	ctx := context.Background()
	if _, err := Run(ctx, prog, cel.Input{Object: obj}, conv); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for b.Loop() {
		if _, err := Run(ctx, prog, cel.Input{Object: obj}, conv); err != nil {
			b.Fatal(err)
		}
	}
}
