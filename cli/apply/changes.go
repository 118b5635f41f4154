package apply

// change is what the policies produced for one resource: the object their mutate rules left, and the objects
// their generate rules asked for.
type change struct {
	Resource resourceRef `json:"resource"`
	// PatchedBy lists the policies whose mutate rules changed the resource, in the order they ran.
	PatchedBy []string `json:"patchedBy,omitempty"`
	// Patched is the resource after every mutate rule.
	Patched   map[string]any   `json:"patched,omitempty"`
	Generated []generatedEntry `json:"generated,omitempty"`
}

// generatedEntry is one object a generate rule asked for.
type generatedEntry struct {
	Policy      string         `json:"policy"`
	Rule        string         `json:"rule"`
	Synchronize bool           `json:"synchronize,omitempty"`
	Object      map[string]any `json:"object"`
}

// changeOf collects what the policies produced for the resource ref; ok is false when they produced nothing.
func changeOf(ref resourceRef, res objectResult) (c change, ok bool) {
	c = change{Resource: ref, Patched: res.patched}
	for _, pr := range res.policies {
		if pr.Patched != nil {
			c.PatchedBy = append(c.PatchedBy, pr.Policy.Key())
		}
		for _, g := range pr.Generated {
			c.Generated = append(c.Generated, generatedEntry{Policy: pr.Policy.Key(), Rule: g.Rule,
				Synchronize: g.Synchronize, Object: g.Object})
		}
	}
	return c, c.Patched != nil || len(c.Generated) > 0
}
