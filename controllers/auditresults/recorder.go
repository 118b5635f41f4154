package auditresults

import (
	"context"
	"fmt"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/bylaw-dev/bylaw/api/v1alpha1"
	"github.com/bylaw-dev/bylaw/engine"
	"github.com/bylaw-dev/bylaw/reports"
)

// Recorder records admission results as AuditResults in Bylaw's namespace.
type Recorder struct {
	Client    client.Client
	Namespace string
}

// Record creates an AuditResult for the results of obj. Results are what webhook.ResultSink receives: one per policy,
// its Audit rules only.
func (r *Recorder) Record(ctx context.Context, obj map[string]any, results []engine.PolicyResult) error {
	res := reports.ResourceOf(obj)
	ar := &v1alpha1.AuditResult{
		ObjectMeta: metav1.ObjectMeta{GenerateName: "ar-", Namespace: r.Namespace},
		Spec: v1alpha1.AuditResultSpec{Resource: v1alpha1.GenerateTrigger{APIVersion: res.APIVersion, Kind: res.Kind,
			Namespace: res.Namespace, Name: res.Name, UID: string(res.UID)}, Policies: specOf(results)},
	}
	if err := r.Client.Create(ctx, ar); err != nil {
		return fmt.Errorf("creating an AuditResult in %s for %s %s/%s: %w", r.Namespace, res.Kind, res.Namespace,
			res.Name, err)
	}
	return nil
}

func specOf(results []engine.PolicyResult) []v1alpha1.AuditPolicyResult {
	out := make([]v1alpha1.AuditPolicyResult, 0, len(results))
	for _, pr := range results {
		p := v1alpha1.AuditPolicyResult{Policy: pr.Policy.Key()}
		for _, rr := range pr.Rules {
			p.Rules = append(p.Rules, v1alpha1.AuditRuleResult{Rule: rr.Rule, Result: string(rr.Status),
				Message: truncate(rr.Message, maxMessage), Exception: rr.Exception})
		}
		out = append(out, p)
	}
	return out
}

// maxMessage is the longest message an AuditResult carries (the CRD's limit); reports shorten messages further.
const maxMessage = 4096

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && s[n]&0xC0 == 0x80 { // not in the middle of a UTF-8 sequence
		n--
	}
	return s[:n]
}
