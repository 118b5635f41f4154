package webhook_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	admissionv1 "k8s.io/api/admission/v1"
	"k8s.io/apimachinery/pkg/runtime"

	"github.com/bylaw-dev/bylaw/engine"
	"github.com/bylaw-dev/bylaw/webhook"
)

type recordedEvent struct{ kind, note string }

type fakeRecorder struct{ events []recordedEvent }

func (f *fakeRecorder) Eventf(regarding runtime.Object, _ runtime.Object, eventtype, reason, action, note string, args ...interface{}) {
	f.events = append(f.events, recordedEvent{kind: regarding.GetObjectKind().GroupVersionKind().Kind + "/" + eventtype + "/" + reason + "/" + action,
		note: fmt.Sprintf(note, args...)})
}

func TestEventAuditorNamesPolicyAndProvenance(t *testing.T) {
	tests := []struct {
		name   string
		policy *engine.Policy
		kind   string
		note   string
	}{
		{"cluster policy", &engine.Policy{Kind: "ClusterPolicy", Name: "team"}, "ClusterPolicy/Warning/PolicyViolation/Admit",
			"CREATE Pod/shop/web: rule r failed: no team"},
		{"namespaced policy from a bundle", &engine.Policy{Kind: "Policy", Name: "team", Namespace: "shop",
			Provenance: engine.Provenance{Source: "gitsource/x/y", Revision: "main@sha1:ab", Digest: "sha256:cd"}},
			"Policy/Warning/PolicyViolation/Admit",
			"CREATE Pod/shop/web: rule r failed: no team (policy from gitsource/x/y at main@sha1:ab, bundle sha256:cd)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := &fakeRecorder{}
			ar := &admissionv1.AdmissionRequest{Operation: "CREATE", Name: "web", Namespace: "shop"}
			ar.Kind.Kind = "Pod"
			webhook.EventAuditor{Recorder: rec}.Audit(context.Background(), tt.policy, engine.RuleResult{Rule: "r", Message: "no team"}, ar)
			assert.Equal(t, []recordedEvent{{kind: tt.kind, note: tt.note}}, rec.events)
		})
	}
}
