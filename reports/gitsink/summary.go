package gitsink

import (
	"bytes"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/bylaw-dev/bylaw/api/wgpolicyk8s/v1alpha2"
	"github.com/bylaw-dev/bylaw/reports"
)

// summaryHeader opens SUMMARY.md.
const summaryHeader = `# Policy reports

Written by Bylaw: every file of this folder is replaced on each commit. Counts include the results a report file
leaves out when it reaches its size limit.

`

// summary renders SUMMARY.md for reps, sorted by namespace with the cluster scope first.
func summary(reps []reports.Report) []byte {
	var b bytes.Buffer
	b.WriteString(summaryHeader)
	if len(reps) == 0 {
		b.WriteString("No results.\n")
		return b.Bytes()
	}
	writeOverview(&b, reps)
	if revs := revisionsOf(reps...); len(revs) > 0 {
		b.WriteString("\n## Policy revisions\n\n")
		writeRevisions(&b, revs)
	}
	for _, rep := range reps {
		writeNamespace(&b, rep)
	}
	return b.Bytes()
}

// writeOverview writes the table of counts per namespace and their total.
func writeOverview(b *bytes.Buffer, reps []reports.Report) {
	b.WriteString("| Scope | Pass | Fail | Warn | Error | Skip | File |\n|---|---:|---:|---:|---:|---:|---|\n")
	var total v1alpha2.PolicyReportSummary
	for _, rep := range reps {
		s := rep.Summary
		total.Pass, total.Fail, total.Warn = total.Pass+s.Pass, total.Fail+s.Fail, total.Warn+s.Warn
		total.Error, total.Skip = total.Error+s.Error, total.Skip+s.Skip
		file := FileOf(rep.Object.GetNamespace())
		fmt.Fprintf(b, "| %s | %s | [%s](%s) |\n", scopeName(rep.Object.GetNamespace()), counts(s), file, file)
	}
	fmt.Fprintf(b, "| **total** | %s | |\n", counts(total))
}

// writeNamespace writes the section of one report: its counts, its failing results and its policy revisions.
func writeNamespace(b *bytes.Buffer, rep reports.Report) {
	fmt.Fprintf(b, "\n## %s\n\n", scopeName(rep.Object.GetNamespace()))
	fmt.Fprintf(b, "| Pass | Fail | Warn | Error | Skip |\n|---:|---:|---:|---:|---:|\n| %s |\n\n", counts(rep.Summary))
	if rep.Dropped > 0 {
		fmt.Fprintf(b, "%d results are counted but left out of %s.\n\n", rep.Dropped, FileOf(rep.Object.GetNamespace()))
	}
	failing := slices.DeleteFunc(slices.Clone(reports.ResultsOf(rep.Object)), func(r v1alpha2.PolicyReportResult) bool {
		return r.Result != v1alpha2.ResultFail && r.Result != v1alpha2.ResultError
	})
	if len(failing) == 0 {
		b.WriteString("No failures.\n")
	} else {
		b.WriteString("| Policy | Rule | Resource | Result | Message |\n|---|---|---|---|---|\n")
		for _, r := range failing {
			fmt.Fprintf(b, "| %s | %s | %s | %s | %s |\n", cell(r.Policy), cell(r.Rule), cell(resourceName(r)),
				r.Result, cell(r.Message))
		}
	}
	if revs := revisionsOf(rep); len(revs) > 0 {
		b.WriteString("\nPolicy revisions:\n\n")
		writeRevisions(b, revs)
	}
}

// writeRevisions writes the table of policy revisions.
func writeRevisions(b *bytes.Buffer, revs []PolicyRevision) {
	b.WriteString("| Source | Revision | Bundle digest |\n|---|---|---|\n")
	for _, r := range revs {
		fmt.Fprintf(b, "| %s | %s | %s |\n", code(r.Source), code(r.Revision), code(r.Digest))
	}
}

// revisionsOf returns the distinct policy provenances the results of reps carry, sorted; results of policies
// without a source are left out.
func revisionsOf(reps ...reports.Report) []PolicyRevision {
	seen := map[PolicyRevision]bool{}
	for _, rep := range reps {
		for _, r := range reports.ResultsOf(rep.Object) {
			rev := PolicyRevision{Source: r.Properties[reports.PropertySource],
				Revision: r.Properties[reports.PropertyRevision], Digest: r.Properties[reports.PropertyDigest]}
			if rev.Source != "" {
				seen[rev] = true
			}
		}
	}
	return sortedRevisions(seen)
}

// resourceName names the resources of a result as Kind namespace/name.
func resourceName(r v1alpha2.PolicyReportResult) string {
	names := make([]string, len(r.Resources))
	for i, ref := range r.Resources {
		name := ref.Name
		if ref.Namespace != "" {
			name = ref.Namespace + "/" + name
		}
		names[i] = ref.Kind + " " + name
	}
	return strings.Join(names, ", ")
}

// scopeName is the heading of a namespace.
func scopeName(namespace string) string {
	if namespace == reports.ClusterScope {
		return "cluster"
	}
	return "namespace " + namespace
}

// counts renders the cells of a summary.
func counts(s v1alpha2.PolicyReportSummary) string {
	cells := make([]string, 0, 5)
	for _, n := range []int{s.Pass, s.Fail, s.Warn, s.Error, s.Skip} {
		cells = append(cells, strconv.Itoa(n))
	}
	return strings.Join(cells, " | ")
}

// cell makes s safe in a table cell: one line, pipes escaped.
func cell(s string) string {
	s = strings.NewReplacer("\r\n", " ", "\n", " ", "\r", " ", "|", `\|`).Replace(s)
	return strings.TrimSpace(s)
}

// code renders s as inline code, or a dash when it is empty.
func code(s string) string {
	if s == "" {
		return "-"
	}
	return "`" + strings.ReplaceAll(cell(s), "`", "'") + "`"
}
