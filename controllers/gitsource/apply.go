package gitsource

import (
	"context"
	"strconv"
	"strings"

	"github.com/fluxcd/pkg/apis/meta"
	"github.com/fluxcd/pkg/runtime/conditions"
	"github.com/go-logr/logr"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"

	"github.com/bylaw-dev/bylaw/api/v1alpha1"
	"github.com/bylaw-dev/bylaw/engine"
)

func keyOf(src *v1alpha1.GitSource) types.NamespacedName {
	return types.NamespacedName{Namespace: src.Namespace, Name: src.Name}
}

// apply puts a verified bundle in force: the source's policies are replaced in one step.
func (r *Reconciler) apply(ctx context.Context, src *v1alpha1.GitSource, v *verified) {
	r.Store.ReplaceSource(SourceName(keyOf(src)), v.policies, v.exceptions)
	m := v.bundle.Manifest
	src.Status.Artifact = &v1alpha1.BundleArtifact{
		Revision: v.revision, Digest: v.bundle.Digest, Name: m.Name, Version: m.Version, Signers: v.signers,
		Policies: len(v.policies), AppliedAt: metav1.NewTime(r.now()),
	}
	src.Status.HighestVersion = max(src.Status.HighestVersion, m.Version)
	msg := "bundle " + m.Name + " version " + itoa(m.Version) + " (" + v.revision + ", " + v.bundle.Digest +
		") signed by " + strings.Join(v.signers, ", ") + ": " + itoa(int64(len(v.policies))) + " policies in force"
	logr.FromContextOrDiscard(ctx).Info("bundle applied", "revision", v.revision, "digest", v.bundle.Digest,
		"version", m.Version, "signers", v.signers, "policies", len(v.policies))
	conditions.MarkTrue(src, SourceVerifiedCondition, ReasonApplied, "%s", msg)
	conditions.Delete(src, meta.ReconcilingCondition)
	if unsupported := unsupportedRules(v.policies); unsupported != "" {
		msg += "; " + unsupported
		conditions.MarkFalse(src, meta.ReadyCondition, ReasonUnsupportedRule, "%s", msg)
		conditions.MarkStalled(src, ReasonUnsupportedRule, "%s", msg)
		r.event(src, corev1.EventTypeWarning, ReasonUnsupportedRule, msg)
		return
	}
	conditions.MarkTrue(src, meta.ReadyCondition, ReasonApplied, "%s", msg)
	conditions.Delete(src, meta.StalledCondition)
	r.event(src, corev1.EventTypeNormal, ReasonApplied, msg)
}

// unsupportedRules names, per policy, the rules the engine cannot evaluate; "" when it evaluates every rule.
func unsupportedRules(policies []*engine.Policy) string {
	var parts []string
	for _, p := range policies {
		if u := p.Unsupported(); len(u) > 0 {
			parts = append(parts, "policy "+p.Key()+": "+engine.DescribeUnsupported(u))
		}
	}
	return strings.Join(parts, "; ")
}

// refuse records a refused bundle; the bundle in force does not change.
func (r *Reconciler) refuse(ctx context.Context, src *v1alpha1.GitSource, revision, reason string, err error) {
	msg := "bundle at " + revision + " refused: " + err.Error() + "; " + inForce(src)
	conditions.MarkFalse(src, SourceVerifiedCondition, reason, "%s", msg)
	conditions.MarkFalse(src, meta.ReadyCondition, reason, "%s", msg)
	conditions.MarkStalled(src, reason, "%s", msg)
	logr.FromContextOrDiscard(ctx).Info("bundle refused", "revision", revision, "reason", reason, "error", err.Error())
	r.event(src, corev1.EventTypeWarning, reason, msg)
}

func (r *Reconciler) event(src *v1alpha1.GitSource, kind, reason, msg string) {
	if r.Events == nil || !r.leader() {
		return
	}
	r.Events.Eventf(src, nil, kind, reason, "Reconcile", "%s", truncate(msg, 1000))
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n-3] + "..."
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
