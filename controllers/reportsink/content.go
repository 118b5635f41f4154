package reportsink

import (
	"context"
	"fmt"
	"strings"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/bylaw-dev/bylaw/api/v1alpha1"
	gitsourcectl "github.com/bylaw-dev/bylaw/controllers/gitsource"
	"github.com/bylaw-dev/bylaw/engine"
	"github.com/bylaw-dev/bylaw/gitremote"
	"github.com/bylaw-dev/bylaw/reports"
	"github.com/bylaw-dev/bylaw/reports/gitsink"
)

// Defaults of spec.git.
const (
	defaultAuthorName  = "Bylaw"
	defaultAuthorEmail = "bylaw@bylaw.dev"
	// maxPolicyRevision bounds status.policyRevision.
	maxPolicyRevision = 1024
)

// content is what one publication commits.
type content struct {
	reports   []reports.Report
	tree      gitsink.Tree
	revisions []gitsink.PolicyRevision
}

// content builds and renders the sink's reports: the results of every policy, or of those its source supplies, and
// the revisions of the policies in force that they come from.
func (r *Reconciler) content(sink *v1alpha1.ReportSink) (content, error) {
	snap := r.Store.Snapshot()
	keep := func(reports.PolicyOrigin) bool { return true }
	policies := snap.Policies
	if ref := sink.Spec.SourceRef; ref != nil {
		source := gitsourcectl.SourceName(types.NamespacedName{Namespace: sink.Namespace, Name: ref.Name})
		keep = func(o reports.PolicyOrigin) bool { return o.Source == source || snap.Source(o.Key) == source }
		policies = make([]*engine.Policy, 0, len(snap.Policies))
		for _, p := range snap.Policies {
			if snap.Source(p.Key()) == source {
				policies = append(policies, p)
			}
		}
	}
	reps, err := r.Book.ReportsOf(keep)
	if err != nil {
		return content{}, fmt.Errorf("building the reports: %w", err)
	}
	tree, err := gitsink.Render(reps)
	if err != nil {
		return content{}, err
	}
	return content{reports: reps, tree: tree, revisions: gitsink.RevisionsOf(policies)}, nil
}

// target reads the sink's repository, branch, folder, author and credentials.
func (r *Reconciler) target(ctx context.Context, sink *v1alpha1.ReportSink) (gitsink.Target, error) {
	g := sink.Spec.Git
	var auth gitremote.Auth
	if g.SecretRef != nil {
		var secret corev1.Secret
		key := client.ObjectKey{Namespace: sink.Namespace, Name: g.SecretRef.Name}
		if err := r.Client.Get(ctx, key, &secret); err != nil {
			return gitsink.Target{}, fmt.Errorf("credentials Secret %s: %w", key, err)
		}
		auth = gitremote.AuthFromSecretData(secret.Data)
	}
	method, err := gitremote.TransportAuth(g.URL, auth)
	if err != nil {
		return gitsink.Target{}, fmt.Errorf("credentials for spec.git.url %s: %w", g.URL, err)
	}
	author := gitsink.Author{Name: defaultAuthorName, Email: defaultAuthorEmail}
	if a := g.Author; a != nil {
		author.Name, author.Email = orElse(a.Name, author.Name), orElse(a.Email, author.Email)
	}
	return gitsink.Target{URL: g.URL, Branch: g.Branch, Path: g.Path, Auth: method, Author: author}, nil
}

// inputOf identifies what a publication of tree for sink's spec produces: a spec change publishes again.
func inputOf(sink *v1alpha1.ReportSink, tree gitsink.Tree) string {
	return fmt.Sprintf("%d/%s", sink.Generation, tree.Hash())
}

// policyRevision renders revisions for status.policyRevision.
func policyRevision(revs []gitsink.PolicyRevision) string {
	parts := make([]string, len(revs))
	for i, rev := range revs {
		parts[i] = rev.String()
	}
	s := strings.Join(parts, ", ")
	if len(s) > maxPolicyRevision {
		s = s[:maxPolicyRevision-3] + "..."
	}
	return s
}

func orElse(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
