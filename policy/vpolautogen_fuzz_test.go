package policy

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/require"

	policiesv1 "github.com/bylaw-dev/bylaw/api/policies/v1"
)

// FuzzAutogenValidating decodes arbitrary JSON as a ValidatingPolicy spec and checks that AutogenValidating never
// panics, returns the same variants twice, and that every variant holds targets and re-encodes.
func FuzzAutogenValidating(f *testing.F) {
	f.Add([]byte(`{"matchConstraints":{"resourceRules":[{"apiGroups":[""],"apiVersions":["v1"],"operations":["CREATE"],` +
		`"resources":["pods"]}]},"validations":[{"expression":"object.spec.x && oldObject.metadata.name","message":"object.metadata"}]}`))
	f.Add([]byte(`{"matchConstraints":{"resourceRules":[{"apiGroups":[""],"apiVersions":["v1"],"resources":["pods"]}]},` +
		`"autogen":{"podControllers":{"controllers":["cronjobs","cronjobs","x"]}}}`))
	f.Add([]byte(`{"matchConstraints":{"namespaceSelector":{},"resourceRules":[{"apiGroups":[""],"apiVersions":["v1"],` +
		`"resources":["pods"]}]},"variables":[{"name":"object.spec","expression":"object.spec\u003cobject.metadata.namespace"}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		var spec policiesv1.ValidatingPolicySpec
		if json.Unmarshal(data, &spec) != nil {
			return
		}
		first, err := AutogenValidating(&spec)
		if err != nil {
			return
		}
		second, err := AutogenValidating(&spec)
		require.NoError(t, err)
		require.Equal(t, first, second)
		for name, v := range first {
			require.NotEmpty(t, v.Targets, name)
			require.NotNil(t, v.Spec, name)
			_, err := json.Marshal(v)
			require.NoError(t, err, name)
		}
	})
}
