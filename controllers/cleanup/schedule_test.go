package cleanup

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/bylaw-dev/bylaw/engine"
	"github.com/bylaw-dev/bylaw/policy"
)

func compile(t *testing.T, name, schedule string) *engine.Policy {
	t.Helper()
	doc := `apiVersion: policies.kyverno.io/v1
kind: DeletingPolicy
metadata: {name: ` + name + `}
spec:
  schedule: "` + schedule + `"
  matchConstraints:
    resourceRules: [{apiGroups: [""], apiVersions: [v1], resources: [pods]}]
`
	set := policy.NewLoader(engine.New()).LoadBytes("d.yaml", []byte(doc))
	require.Empty(t, set.Errors)
	return set.Policies[0]
}

// A run missed while no replica led runs once at start; a policy without a record waits for its next slot.
func TestPlanFirstRun(t *testing.T) {
	now := time.Date(2026, 12, 7, 20, 30, 20, 0, time.UTC)
	hourly := compile(t, "hourly", "0 * * * *")
	tests := []struct {
		name     string
		last     time.Time
		recorded bool
		want     time.Time
	}{
		{"never recorded (bundle): next slot", time.Time{}, false, time.Date(2026, 12, 7, 21, 0, 0, 0, time.UTC)},
		{"ran in this slot: next slot", now.Add(-10 * time.Minute), true, time.Date(2026, 12, 7, 21, 0, 0, 0, time.UTC)},
		{"missed a slot: now, once", now.Add(-2 * time.Hour), true, now},
		{"missed many slots: now, once", now.Add(-50 * time.Hour), true, now},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pl := newPlan()
			pl.update([]*engine.Policy{hourly}, now, func(*engine.Policy) (time.Time, bool) { return tt.last, tt.recorded })
			next, ok := pl.next()
			require.True(t, ok)
			assert.Equal(t, tt.want, next)
			if tt.want.Equal(now) {
				assert.Equal(t, []*engine.Policy{hourly}, pl.due(now))
				pl.ran(hourly, now)
				assert.Empty(t, pl.due(now), "the missed run happens once")
				next, _ = pl.next()
				assert.Equal(t, time.Date(2026, 12, 7, 21, 0, 0, 0, time.UTC), next)
			}
		})
	}
}

func TestPlanFollowsPolicies(t *testing.T) {
	now := time.Date(2026, 12, 7, 20, 30, 20, 0, time.UTC)
	none := func(*engine.Policy) (time.Time, bool) { return time.Time{}, false }
	a, b := compile(t, "a", "*/1 * * * *"), compile(t, "b", "@daily")
	pl := newPlan()
	pl.update([]*engine.Policy{a, b, compile(t, "c", "@hourly")}, now, none)
	next, _ := pl.next()
	assert.Equal(t, time.Date(2026, 12, 7, 20, 31, 0, 0, time.UTC), next)
	assert.Empty(t, pl.due(now))
	minute := next
	assert.Equal(t, []*engine.Policy{a}, pl.due(minute))
	pl.ran(a, minute)
	// A changed policy keeps the run this replica made; a removed one leaves the plan.
	a2 := compile(t, "a", "*/10 * * * *")
	pl.update([]*engine.Policy{a2, b}, minute, none)
	assert.Len(t, pl.entries, 2)
	assert.Equal(t, time.Date(2026, 12, 7, 20, 40, 0, 0, time.UTC), pl.entries["DeletingPolicy/a"].next)
	pl.update(nil, minute, none)
	_, ok := pl.next()
	assert.False(t, ok)
}
