package reports

import (
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"

	orv1alpha1 "github.com/bylaw-dev/bylaw/api/openreports/v1alpha1"
	"github.com/bylaw-dev/bylaw/api/wgpolicyk8s/v1alpha2"
)

// Object is a report object: a *v1alpha2.PolicyReport or a *v1alpha2.ClusterPolicyReport, or with the OpenReports
// API an *orv1alpha1.Report or an *orv1alpha1.ClusterReport. It satisfies controller-runtime's client.Object.
type Object interface {
	metav1.Object
	runtime.Object
}

var (
	_ Object = &v1alpha2.PolicyReport{}
	_ Object = &v1alpha2.ClusterPolicyReport{}
	_ Object = &orv1alpha1.Report{}
	_ Object = &orv1alpha1.ClusterReport{}
)

// Report is one built report.
type Report struct {
	// Object is the report in the Book's API (Options.API): a *v1alpha2.PolicyReport, or a
	// *v1alpha2.ClusterPolicyReport for ClusterScope; an *orv1alpha1.Report or *orv1alpha1.ClusterReport. Its metadata holds the name, the namespace, the managed-by label and the hash and dropped-results annotations.
	Object Object
	// Summary counts every result of the namespace, the dropped ones included.
	Summary v1alpha2.PolicyReportSummary
	// Dropped is the number of results counted in Summary but left out of Object.
	Dropped int
	// Hash is the SHA-256 (hex) of Object's JSON without the hash annotation: equal content gives an equal hash.
	Hash string
	// Size is the length of Object's JSON in bytes, as this package encodes it; the API server adds its own metadata.
	Size int
}

// Empty reports whether the report holds no result: its namespace has none left.
func (r Report) Empty() bool { return r.Summary.Total() == 0 }

// item is one record of one resource while a report is built.
type item struct {
	res *Resource
	rec *record
}

// rank orders outcomes by how much a report needs to keep them: failures and errors first, passes last.
func (it item) rank() int {
	switch it.rec.result {
	case v1alpha2.ResultFail, v1alpha2.ResultError:
		return 0
	case v1alpha2.ResultWarn:
		return 1
	case v1alpha2.ResultSkip:
		return 2
	default:
		return 3
	}
}

// compareItems orders items by policy, rule, resource, outcome, then message.
func compareItems(a, b item) int {
	return cmp.Or(
		strings.Compare(a.rec.meta.key, b.rec.meta.key),
		strings.Compare(a.rec.rule, b.rec.rule),
		a.res.compare(*b.res),
		strings.Compare(string(a.rec.result), string(b.rec.result)),
		strings.Compare(a.rec.message, b.rec.message),
	)
}

// build makes the report of namespace from items: counts them all, keeps what the caps allow, sorts and renders.
func build(namespace string, items []item, opts Options) (Report, error) {
	var sum v1alpha2.PolicyReportSummary
	for i := range items {
		sum.Add(items[i].rec.result)
	}
	kept := keep(items, opts)
	slices.SortFunc(kept, compareItems)
	results := make([]v1alpha2.PolicyReportResult, len(kept))
	for i, it := range kept {
		results[i] = render(it)
	}
	rep := Report{Summary: sum, Dropped: len(items) - len(kept)}
	rep.Object = newObject(opts.API, namespace, sum, results, rep.Dropped)
	var err error
	if rep.Hash, rep.Size, err = stamp(rep.Object); err != nil {
		return Report{}, fmt.Errorf("building the report of namespace %q: %w", namespace, err)
	}
	return rep, nil
}

// keep returns the items that fit opts.MaxResults and opts.MaxBytes: all of them when they fit, else the highest
// ranked first and, within the rank that no longer fits, the first in report order. It estimates the size of the
// items it may keep only, so a namespace with many more results than the cap costs little more than one at the cap.
func keep(items []item, opts Options) []item {
	if opts.MaxResults < 0 || len(items) <= opts.MaxResults {
		if opts.MaxBytes < 0 || sizeAll(items) <= opts.MaxBytes {
			return items
		}
	}
	var byRank [4][]item
	var counts [4]int
	for _, it := range items {
		counts[it.rank()]++
	}
	for r, n := range counts {
		byRank[r] = make([]item, 0, n)
	}
	for _, it := range items {
		byRank[it.rank()] = append(byRank[it.rank()], it)
	}
	kept := make([]item, 0, min(len(items), max(opts.MaxResults, 0)))
	bytes := 0
	for _, ranked := range byRank {
		if fits(len(kept)+len(ranked), 0, opts) {
			if size := sizeAll(ranked); fits(0, bytes+size, opts) {
				kept, bytes = append(kept, ranked...), bytes+size
				continue
			}
		}
		slices.SortFunc(ranked, compareItems)
		for _, it := range ranked {
			size := resultSize(it)
			if !fits(len(kept)+1, bytes+size, opts) {
				return kept
			}
			kept, bytes = append(kept, it), bytes+size
		}
	}
	return kept
}

// sizeAll returns the estimated JSON size of the results of items.
func sizeAll(items []item) int {
	total := 0
	for _, it := range items {
		total += resultSize(it)
	}
	return total
}

// fits reports whether n results of the given estimated size are within the caps of opts.
func fits(n, size int, opts Options) bool {
	return (opts.MaxResults < 0 || n <= opts.MaxResults) && (opts.MaxBytes < 0 || size <= opts.MaxBytes)
}

// render returns the report result of it.
func render(it item) v1alpha2.PolicyReportResult {
	m := it.rec.meta
	return v1alpha2.PolicyReportResult{
		Source:     Source,
		Policy:     m.key,
		Rule:       it.rec.rule,
		Resources:  []corev1.ObjectReference{it.res.ref()},
		Message:    it.rec.message,
		Result:     it.rec.result,
		Scored:     m.scored,
		Properties: m.properties(it.rec.exception),
		Timestamp:  metav1.Timestamp{Seconds: it.rec.seconds},
		Category:   m.category,
		Severity:   m.severity,
	}
}

// newObject returns the report of namespace in api: the namespace's PolicyReport (Report), or the
// ClusterPolicyReport (ClusterReport) for ClusterScope.
func newObject(api API, namespace string, sum v1alpha2.PolicyReportSummary, results []v1alpha2.PolicyReportResult,
	dropped int) Object {
	meta := metav1.ObjectMeta{Name: reportName(namespace), Namespace: namespace,
		Labels: map[string]string{ManagedByLabel: Source}}
	if dropped > 0 {
		meta.Annotations = map[string]string{DroppedAnnotation: strconv.Itoa(dropped)}
	}
	if api.orDefault() == OpenReports {
		return newOpenReport(meta, sum, results)
	}
	if namespace == ClusterScope {
		return &v1alpha2.ClusterPolicyReport{TypeMeta: typeMetaOf(WGPolicy, namespace), ObjectMeta: meta,
			Summary: sum, Results: results}
	}
	return &v1alpha2.PolicyReport{TypeMeta: typeMetaOf(WGPolicy, namespace), ObjectMeta: meta,
		Summary: sum, Results: results, Scope: namespaceScope(namespace)}
}

// typeMetaOf returns the apiVersion and kind of the report of namespace in api.
func typeMetaOf(api API, namespace string) metav1.TypeMeta {
	return metav1.TypeMeta{APIVersion: api.GroupVersion().String(), Kind: api.Kind(namespace)}
}

// namespaceScope returns the scope of the report of namespace: the Namespace.
func namespaceScope(namespace string) *corev1.ObjectReference {
	return &corev1.ObjectReference{APIVersion: "v1", Kind: "Namespace", Name: namespace}
}

// stamp hashes obj's JSON, sets the hash annotation and returns the hash and the length of obj's JSON with it.
func stamp(obj Object) (hash string, size int, err error) {
	data, err := json.Marshal(obj)
	if err != nil {
		return "", 0, fmt.Errorf("encoding the report as JSON: %w", err)
	}
	sum := sha256.Sum256(data)
	hash = hex.EncodeToString(sum[:])
	annotations := obj.GetAnnotations()
	added := jsonField(HashAnnotation, jsonString(hash)) // "key":"hash"
	if len(annotations) == 0 {
		annotations = map[string]string{}
		added += jsonField("annotations", 2) + 1 // ,"annotations":{...}
	} else {
		added++ // the comma before the new key
	}
	annotations[HashAnnotation] = hash
	obj.SetAnnotations(annotations)
	return hash, len(data) + added, nil
}
