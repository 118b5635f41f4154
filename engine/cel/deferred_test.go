package cel

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/bylaw-dev/bylaw/api/v1alpha1"
)

// TestDefer: deferred parts are built once, when a rule first reads them, and never for rules that do not; a nil
// function keeps the field as it was.
func TestDefer(t *testing.T) {
	c := newCompiler(t)
	compile := func(expr string) *Program {
		p, err := c.Compile(&v1alpha1.CEL{Expressions: exprs(expr, "", "")})
		require.NoError(t, err)
		return p
	}
	objectOnly := compile("object.metadata.name == 'web'")
	readsRequest := compile("request.operation == 'CREATE' && namespaceObject.metadata.name == 'shop'")
	ctx := context.Background()
	for _, prepare := range []bool{false, true} {
		built := 0
		in := Input{Object: obj(t, testPod), NamespaceObject: map[string]any{"metadata": map[string]any{"name": "shop"}}}
		in = in.Defer(func() map[string]any {
			built++
			return podRequest("CREATE", "web", "shop")
		}, nil)
		if prepare {
			in = in.Prepare()
		}
		assert.Equal(t, StatusPass, objectOnly.Evaluate(ctx, in).Status)
		assert.Equal(t, 0, built, "no rule read the request")
		for range 3 {
			copied := in
			assert.Equal(t, StatusPass, readsRequest.Evaluate(ctx, copied).Status)
			assert.Equal(t, StatusPass, readsRequest.evaluate(ctx, copied, false).Status)
		}
		assert.Equal(t, 1, built, "prepared: %v", prepare)
	}
}
