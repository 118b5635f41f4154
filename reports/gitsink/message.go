package gitsink

import (
	"cmp"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/bylaw-dev/bylaw/engine"
	"github.com/bylaw-dev/bylaw/reports"
)

// PolicyRevision is where a set of policies came from: a source, its git revision and its bundle digest.
type PolicyRevision struct {
	Source   string
	Revision string
	Digest   string
}

// String is "<source> <revision>", or the source alone when it has no revision.
func (r PolicyRevision) String() string {
	if r.Revision == "" {
		return r.Source
	}
	return r.Source + " " + r.Revision
}

// RevisionsOf returns the distinct provenances of policies, sorted; policies without a source are left out.
func RevisionsOf(policies []*engine.Policy) []PolicyRevision {
	seen := map[PolicyRevision]bool{}
	for _, p := range policies {
		if p.Provenance.Source != "" {
			seen[PolicyRevision{Source: p.Provenance.Source, Revision: p.Provenance.Revision,
				Digest: p.Provenance.Digest}] = true
		}
	}
	return sortedRevisions(seen)
}

// sortedRevisions returns the keys of set sorted by source, revision, then digest.
func sortedRevisions(set map[PolicyRevision]bool) []PolicyRevision {
	return slices.SortedFunc(maps.Keys(set), func(a, b PolicyRevision) int {
		return cmp.Or(strings.Compare(a.Source, b.Source), strings.Compare(a.Revision, b.Revision),
			strings.Compare(a.Digest, b.Digest))
	})
}

// CommitMessage is the message of a commit of reps made while the policies of revs were in force: a subject that
// names the revision (or how many there are), then one line per revision and the totals.
func CommitMessage(revs []PolicyRevision, reps []reports.Report) string {
	var b strings.Builder
	switch len(revs) {
	case 0:
		b.WriteString("Policy reports")
	case 1:
		b.WriteString("Policy reports at " + revs[0].String())
	default:
		fmt.Fprintf(&b, "Policy reports at %d policy revisions", len(revs))
	}
	b.WriteString("\n\n")
	if len(revs) > 0 {
		b.WriteString("Policy revisions:\n")
		for _, r := range revs {
			b.WriteString("- " + r.String())
			if r.Digest != "" {
				b.WriteString(" (bundle " + r.Digest + ")")
			}
			b.WriteString("\n")
		}
		b.WriteString("\n")
	}
	var pass, fail, warn, errs, skip, scopes int
	for _, rep := range reps {
		if rep.Empty() {
			continue
		}
		s := rep.Summary
		pass, fail, warn, errs, skip, scopes = pass+s.Pass, fail+s.Fail, warn+s.Warn, errs+s.Error, skip+s.Skip, scopes+1
	}
	fmt.Fprintf(&b, "Results in %d reports: %d pass, %d fail, %d warn, %d error, %d skip\n", scopes, pass, fail, warn,
		errs, skip)
	return b.String()
}
