package gitsink_test

import (
	"time"

	"k8s.io/apimachinery/pkg/types"

	"github.com/bylaw-dev/bylaw/engine"
	"github.com/bylaw-dev/bylaw/reports"
)

// t0 is the clock of the tests.
var t0 = time.Date(2026, 5, 4, 10, 30, 0, 0, time.UTC)

// policy returns a ClusterPolicy named name supplied by source at revision (no provenance when source is empty).
func policy(name, source, revision string, annotations map[string]string) *engine.Policy {
	p := &engine.Policy{Kind: "ClusterPolicy", Name: name, Annotations: annotations, Background: true}
	if source != "" {
		p.Provenance = engine.Provenance{Source: source, Revision: revision, Digest: "sha256:" + name}
	}
	return p
}

// pod returns the identity of a Pod.
func pod(ns, name string) reports.Resource {
	return reports.Resource{APIVersion: "v1", Kind: "Pod", Namespace: ns, Name: name, UID: types.UID("uid-" + ns + "-" + name)}
}

// outcome returns the results of one rule of p.
func outcome(p *engine.Policy, rule string, status engine.Status, message string) engine.PolicyResult {
	return engine.PolicyResult{Policy: p, Rules: []engine.RuleResult{{Rule: rule, Type: engine.RuleValidate,
		Status: status, Message: message, Action: engine.ActionAudit}}}
}

// sampleBook holds results in two namespaces and at cluster scope, from a GitSource policy and a CR policy; now is
// its clock.
func sampleBook(now *time.Time) *reports.Book { return sampleBookIn(now, reports.WGPolicy) }

// sampleBookIn is sampleBook building reports in api.
func sampleBookIn(now *time.Time, api reports.API) *reports.Book {
	hostPath := policy("disallow-host-path", "gitsource/bylaw-system/platform", "main@sha1:5f2c9e0d",
		map[string]string{reports.SeverityAnnotation: "high"})
	labels := policy("require-labels", "", "", nil)
	book := reports.NewBook(reports.Options{Now: func() time.Time { return *now }, API: api})
	book.Set(pod("shop", "web-1"), []engine.PolicyResult{
		outcome(hostPath, "host-path", engine.StatusFail, "HostPath volumes are forbidden | use a PVC."),
		outcome(labels, "team", engine.StatusPass, ""),
	})
	book.Set(pod("shop", "api-1"), []engine.PolicyResult{
		outcome(hostPath, "host-path", engine.StatusPass, ""),
		outcome(labels, "team", engine.StatusError, "variable not found:\nrequest.object.metadata.labels.team"),
	})
	book.Set(pod("cluster", "x"), []engine.PolicyResult{outcome(labels, "team", engine.StatusSkip, "")})
	book.Set(reports.Resource{APIVersion: "v1", Kind: "Namespace", Name: "shop", UID: "uid-ns-shop"},
		[]engine.PolicyResult{outcome(labels, "team", engine.StatusWarn, "team label missing")})
	return book
}
