package engine_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/bylaw-dev/bylaw/engine"
)

// A non-compliant object can always be deleted: patterns are not checked on DELETE, deny conditions are.
func TestValidateOnDelete(t *testing.T) {
	tests := []struct {
		name string
		body string
		op   engine.Operation
		want engine.Status
	}{
		{"pattern fails on create", "    validate: {pattern: {spec: {containers: [{securityContext: {privileged: false}}]}}}\n",
			engine.OperationCreate, engine.StatusFail},
		{"pattern is skipped on delete", "    validate: {pattern: {spec: {containers: [{securityContext: {privileged: false}}]}}}\n",
			engine.OperationDelete, engine.StatusSkip},
		{"podSecurity is skipped on delete", "    validate: {podSecurity: {level: baseline, version: latest}}\n",
			engine.OperationDelete, engine.StatusSkip},
		{"deny still applies on delete", "    validate:\n      deny:\n        conditions:\n" +
			"          any: [{key: \"{{request.operation}}\", operator: Equals, value: DELETE}]\n",
			engine.OperationDelete, engine.StatusFail},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := engine.New()
			set := load(t, e, header+tt.body)
			obj := pod(t, privilegedPod)
			req := engine.Request{Operation: tt.op, Object: obj}
			if tt.op == engine.OperationDelete {
				req = engine.Request{Operation: tt.op, OldObject: obj}
			}
			res := e.Validate(context.Background(), set.Policies[0], engine.NewInput(req), engine.EvalOptions{})
			require.Len(t, res.Rules, 1)
			assert.Equal(t, tt.want, res.Rules[0].Status, res.Rules[0].Message)
		})
	}
}
