package reports

import "strings"

// Retain forgets the results of the resources of one kind (by API group and kind, whatever the version) that keep does
// not keep, and reports whether any was forgotten. A scanner calls it after a complete LIST of the kind, for the
// resources whose deletion it did not see (a missed event, an object admitted by the webhook whose creation then
// failed further on).
func (b *Book) Retain(group, kind string, keep func(Resource) bool) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	forgot := false
	for key, e := range b.entries {
		if e.res.Kind == kind && groupOf(e.res.APIVersion) == group && !keep(e.res) {
			forgot = b.remove(key) || forgot
		}
	}
	return forgot
}

// groupOf returns the API group of an apiVersion ("apps/v1" -> "apps", "v1" -> "").
func groupOf(apiVersion string) string {
	group, _, found := strings.Cut(apiVersion, "/")
	if !found {
		return ""
	}
	return group
}
