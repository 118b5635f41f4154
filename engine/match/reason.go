package match

import (
	"fmt"
	"strconv"
	"strings"
)

// maxReasons caps how many filters an `any` explanation lists.
const maxReasons = 3

// WhyNotMatched explains in one line why Matches(r) is false, for skip
// messages; it returns "" when Matches(r) is true.
func (m *Matcher) WhyNotMatched(r *Resource) string {
	if m.IsEmpty() {
		return "match block is empty"
	}
	withUser := !r.UserInfo.IsEmpty()
	if len(m.any) == 0 {
		i := firstFailing(m.all, r, withUser)
		if i < 0 {
			return ""
		}
		return "all[" + strconv.Itoa(i) + "]: " + m.all[i].describe(r, m.all[i].check(r, withUser))
	}
	if firstHolding(m.any, r, withUser) >= 0 {
		return ""
	}
	parts := make([]string, 0, maxReasons+1)
	for i := range m.any {
		if i == maxReasons {
			parts = append(parts, fmt.Sprintf("and %d more", len(m.any)-i))
			break
		}
		parts = append(parts, "any["+strconv.Itoa(i)+"]: "+m.any[i].describe(r, m.any[i].check(r, withUser)))
	}
	return "no filter matched: " + strings.Join(parts, "; ")
}

// WhyExcluded names the filter that excludes r, for skip messages; it
// returns "" when Excludes(r) is false.
func (m *Matcher) WhyExcluded(r *Resource) string {
	if !m.Excludes(r) {
		return ""
	}
	if len(m.any) > 0 {
		return "excluded by any[" + strconv.Itoa(firstHolding(m.any, r, true)) + "]"
	}
	return "excluded by all " + strconv.Itoa(len(m.all)) + " filters"
}

// describe renders a failure of the filter for r.
func (f *filter) describe(r *Resource, fl failure) string {
	switch fl {
	case failNone:
		return "matched"
	case failEmpty:
		return "filter has no condition to match on"
	case failOperation:
		return fmt.Sprintf("operation %q not in %v", r.Operation, f.operations)
	case failKind:
		return fmt.Sprintf("kind %s not in %v", gvkString(r), f.kinds.raws())
	case failName:
		return fmt.Sprintf("name %q does not match %q", r.Name, f.name.raw)
	case failNames:
		return fmt.Sprintf("name %q not in %v", r.Name, f.names.raws())
	case failNamespace:
		return fmt.Sprintf("namespace %q not in %v", namespaceOf(r), f.namespaces.raws())
	case failAnnotations:
		return "annotations do not match"
	case failSelector:
		return fmt.Sprintf("labels do not match selector %q", f.selector.String())
	case failNamespaceSelector:
		return fmt.Sprintf("namespace labels do not match namespaceSelector %q", f.namespaceSelector.String())
	case failNamespaceLabelsUnknown:
		return "namespace labels unknown for namespaceSelector"
	case failNamespaceObject:
		return "namespaceSelector does not apply to a Namespace"
	case failRoles:
		return fmt.Sprintf("requester has none of roles %v", f.user.roles)
	case failClusterRoles:
		return fmt.Sprintf("requester has none of clusterRoles %v", f.user.clusterRoles)
	case failSubjects:
		return "requester is none of the subjects"
	default:
		return "unknown failure " + strconv.Itoa(int(fl))
	}
}

// gvkString renders the resource's kind as group/version/kind[/subresource].
func gvkString(r *Resource) string {
	s := r.Version + "/" + r.Kind
	if r.Group != "" {
		s = r.Group + "/" + s
	}
	if r.Subresource != "" {
		s += "/" + r.Subresource
	}
	return s
}
