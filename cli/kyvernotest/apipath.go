package kyvernotest

import (
	"fmt"
	"net/url"
	"strings"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"

	"github.com/bylaw-dev/bylaw/engine/match"
)

// apiPathQuery is a Kubernetes API GET path taken apart: /api/v1[/namespaces/NS]/RESOURCE[/NAME] or
// /apis/GROUP/VERSION[/namespaces/NS]/RESOURCE[/NAME], with an optional labelSelector.
type apiPathQuery struct {
	apiVersion, namespace, resource, name string
	selector                              labels.Selector
}

// parseAPIPath parses path; an error says why it is not one the CLI can answer from files.
func parseAPIPath(path string) (apiPathQuery, error) {
	var q apiPathQuery
	rawPath, rawQuery, _ := strings.Cut(path, "?")
	parts := strings.Split(strings.Trim(rawPath, "/"), "/")
	switch {
	case len(parts) >= 3 && parts[0] == "api":
		q.apiVersion, parts = parts[1], parts[2:]
	case len(parts) >= 4 && parts[0] == "apis":
		q.apiVersion, parts = parts[1]+"/"+parts[2], parts[3:]
	default:
		return q, fmt.Errorf("%q is not a Kubernetes API path", path)
	}
	if len(parts) >= 3 && parts[0] == "namespaces" {
		q.namespace, parts = parts[1], parts[2:]
	}
	switch len(parts) {
	case 1:
		q.resource = parts[0]
	case 2:
		q.resource, q.name = parts[0], parts[1]
	default:
		return q, fmt.Errorf("%q: subresources are not served from files", path)
	}
	values, err := url.ParseQuery(rawQuery)
	if err != nil {
		return q, fmt.Errorf("%q: %w", path, err)
	}
	q.selector = labels.Everything()
	if s := values.Get("labelSelector"); s != "" {
		ls, err := metav1.ParseToLabelSelector(s)
		if err != nil {
			return q, fmt.Errorf("%q: labelSelector: %w", path, err)
		}
		if q.selector, err = metav1.LabelSelectorAsSelector(ls); err != nil {
			return q, fmt.Errorf("%q: labelSelector: %w", path, err)
		}
	}
	return q, nil
}

// selects reports whether obj is of the query's resource and apiVersion, in its namespace (any, for a list
// across namespaces), with its name and labels.
func (q apiPathQuery) selects(obj map[string]any) bool {
	apiVersion, _ := obj["apiVersion"].(string)
	if apiVersion != q.apiVersion || match.ResourceForKind(kindOf(obj)) != q.resource {
		return false
	}
	if q.namespace != "" && namespaceOf(obj) != q.namespace {
		return false
	}
	if q.name != "" {
		return nameOf(obj) == q.name
	}
	meta, _ := obj["metadata"].(map[string]any)
	return q.selector.Matches(labels.Set(stringMap(meta["labels"])))
}

// answer returns the object the query names, or the list it selects, from objects.
func (q apiPathQuery) answer(objects []map[string]any) (any, bool) {
	var items []any
	for _, obj := range objects {
		if !q.selects(obj) {
			continue
		}
		if q.name != "" {
			return obj, true
		}
		items = append(items, obj)
	}
	if q.name != "" {
		return nil, false
	}
	if items == nil {
		items = []any{}
	}
	return map[string]any{"apiVersion": q.apiVersion, "kind": "List", "items": items}, true
}
