package apply

import (
	"github.com/bylaw-dev/bylaw/engine"
)

// report is the output model of a run, in a stable order: resources as loaded, then policies as loaded, then
// rules in policy order.
type report struct {
	Results []resultEntry `json:"results"`
	Summary summary       `json:"summary"`
	// Changes lists, per resource that a mutate rule changed or whose generate rules asked for objects, what they
	// produced; resources in load order.
	Changes []change `json:"changes,omitempty"`
	// blocked is true when a rule of an Enforce policy failed.
	blocked bool
	// policies lists the policy keys in load order, for per-policy output (JUnit).
	policies []string
}

// resultEntry is the result of one rule of one policy on one resource.
type resultEntry struct {
	Policy    string      `json:"policy"`
	Rule      string      `json:"rule"`
	Resource  resourceRef `json:"resource"`
	Result    string      `json:"result"`
	Message   string      `json:"message,omitempty"`
	Action    string      `json:"action"`
	Exception string      `json:"exception,omitempty"`
}

// resourceRef names a resource.
type resourceRef struct {
	APIVersion string `json:"apiVersion,omitempty"`
	Kind       string `json:"kind"`
	Namespace  string `json:"namespace,omitempty"`
	Name       string `json:"name"`
}

// String returns kind/namespace/name, or kind/name for a cluster-scoped resource.
func (r resourceRef) String() string {
	if r.Namespace == "" {
		return r.Kind + "/" + r.Name
	}
	return r.Kind + "/" + r.Namespace + "/" + r.Name
}

// summary counts results by status.
type summary struct {
	Pass  int `json:"pass"`
	Fail  int `json:"fail"`
	Warn  int `json:"warn"`
	Error int `json:"error"`
	Skip  int `json:"skip"`
}

func (s *summary) count(st engine.Status) {
	switch st {
	case engine.StatusPass:
		s.Pass++
	case engine.StatusFail:
		s.Fail++
	case engine.StatusWarn:
		s.Warn++
	case engine.StatusError:
		s.Error++
	case engine.StatusSkip:
		s.Skip++
	}
}

func newReport(policies []*engine.Policy, objects []map[string]any, results []objectResult) *report {
	n := 0
	for _, r := range results {
		for _, pr := range r.policies {
			n += len(pr.Rules)
		}
	}
	rep := &report{Results: make([]resultEntry, 0, n)}
	for _, p := range policies {
		rep.policies = append(rep.policies, p.Key())
	}
	for i, obj := range objects {
		ref := refOf(obj)
		for _, pr := range results[i].policies {
			rep.add(ref, pr)
		}
		if c, ok := changeOf(ref, results[i]); ok {
			rep.Changes = append(rep.Changes, c)
		}
	}
	return rep
}

func (rep *report) add(ref resourceRef, pr engine.PolicyResult) {
	if pr.Blocked() {
		rep.blocked = true
	}
	for _, rr := range pr.Rules {
		action := rr.Action
		if action == "" {
			action = pr.Policy.ActionFor(ref.Namespace)
		}
		rep.Summary.count(rr.Status)
		rep.Results = append(rep.Results, resultEntry{
			Policy:    pr.Policy.Key(),
			Rule:      rr.Rule,
			Resource:  ref,
			Result:    string(rr.Status),
			Message:   rr.Message,
			Action:    string(action),
			Exception: rr.Exception,
		})
	}
}

func refOf(obj map[string]any) resourceRef {
	meta, _ := obj["metadata"].(map[string]any)
	var r resourceRef
	r.APIVersion, _ = obj["apiVersion"].(string)
	r.Kind, _ = obj["kind"].(string)
	r.Namespace, _ = meta["namespace"].(string)
	r.Name, _ = meta["name"].(string)
	return r
}
