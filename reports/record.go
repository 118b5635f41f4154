package reports

import (
	"strings"
	"unicode/utf8"

	"github.com/bylaw-dev/bylaw/api/wgpolicyk8s/v1alpha2"
	"github.com/bylaw-dev/bylaw/engine"
)

// ellipsis ends a shortened message.
const ellipsis = "..."

// policyMeta is what every result of a policy carries. The records of a policy share one, as long as the policy's
// annotations and provenance stay the same.
type policyMeta struct {
	key      string
	severity v1alpha2.PolicySeverity
	category string
	scored   bool
	source   string
	revision string
	digest   string
}

// metaOf reads the report attributes of p: severity (dropped when it is not one the schema allows), category,
// scored, and provenance.
func metaOf(p *engine.Policy) policyMeta {
	m := policyMeta{
		key:      p.Key(),
		category: p.Annotations[CategoryAnnotation],
		scored:   !strings.EqualFold(strings.TrimSpace(p.Annotations[ScoredAnnotation]), "false"),
		source:   p.Provenance.Source,
		revision: p.Provenance.Revision,
		digest:   p.Provenance.Digest,
	}
	switch sev := v1alpha2.PolicySeverity(strings.ToLower(strings.TrimSpace(p.Annotations[SeverityAnnotation]))); sev {
	case v1alpha2.SeverityCritical, v1alpha2.SeverityHigh, v1alpha2.SeverityMedium, v1alpha2.SeverityLow,
		v1alpha2.SeverityInfo:
		m.severity = sev
	}
	return m
}

// properties returns the result properties of the policy's provenance and of an exception, nil when there are none.
func (m *policyMeta) properties(exception string) map[string]string {
	if m.source == "" && m.revision == "" && m.digest == "" && exception == "" {
		return nil
	}
	props := make(map[string]string, 4)
	for _, kv := range [...][2]string{{PropertySource, m.source}, {PropertyRevision, m.revision},
		{PropertyDigest, m.digest}, {PropertyException, exception}} {
		if kv[1] != "" {
			props[kv[0]] = kv[1]
		}
	}
	return props
}

// record is one result of one rule on one resource, as a Book keeps it. Records are never changed once stored.
type record struct {
	meta      *policyMeta
	rule      string
	result    v1alpha2.PolicyResult
	message   string
	exception string
	// seconds is when this outcome was first seen, in Unix seconds.
	seconds int64
}

// sameOutcome reports whether r and o say the same thing, their timestamps aside.
func (r *record) sameOutcome(o *record) bool {
	return r.rule == o.rule && r.result == o.result && r.message == o.message && r.exception == o.exception &&
		(r.meta == o.meta || *r.meta == *o.meta)
}

// samePlace reports whether r and o are results of the same rule of the same policy.
func (r *record) samePlace(o *record) bool {
	return r.rule == o.rule && (r.meta == o.meta || r.meta.key == o.meta.key)
}

// outcome maps an engine status to a report result: a failure of an unscored policy is a warning. Unknown statuses
// are not reported.
func outcome(s engine.Status, scored bool) (v1alpha2.PolicyResult, bool) {
	switch s {
	case engine.StatusFail:
		if !scored {
			return v1alpha2.ResultWarn, true
		}
		return v1alpha2.ResultFail, true
	case engine.StatusPass, engine.StatusWarn, engine.StatusError, engine.StatusSkip:
		return v1alpha2.PolicyResult(s), true
	default:
		return "", false
	}
}

// compactMessage returns the message a report keeps: none for a pass unless opts.PassMessages, else msg trimmed and
// cut to opts.MessageLimit bytes.
func compactMessage(msg string, result v1alpha2.PolicyResult, opts Options) string {
	if result == v1alpha2.ResultPass && !opts.PassMessages {
		return ""
	}
	return shorten(strings.TrimSpace(msg), opts.MessageLimit)
}

// shorten cuts s to at most limit bytes at a character boundary, ending it with an ellipsis; a negative limit keeps s.
func shorten(s string, limit int) string {
	if limit < 0 || len(s) <= limit {
		return s
	}
	if limit <= len(ellipsis) {
		return ellipsis[:limit]
	}
	cut := limit - len(ellipsis)
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + ellipsis
}
