package cleanup

import (
	"context"
	"testing"
	"time"

	"github.com/go-logr/logr"
	"github.com/go-logr/logr/testr"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	policiesv1 "github.com/bylaw-dev/bylaw/api/policies/v1"
	"github.com/bylaw-dev/bylaw/policy"
)

// On becoming leader the controller runs at once a policy whose last recorded run is older than its last scheduled
// time, and waits for the next slot for a policy that ran in the current one.
func TestStartRunsMissedScheduleOnce(t *testing.T) {
	tests := []struct {
		name    string
		lastRun time.Duration // before now
		deleted bool
	}{
		{"run missed while no leader", 25 * time.Hour, true},
		{"ran in this slot", time.Minute, false},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			prefix := []string{"start-missed", "start-recent"}[i]
			ctl, c, _ := newController(t, "bylaw-system", nil)
			ctx, cancel := context.WithCancel(logr.NewContext(context.Background(), testr.New(t)))
			require.NoError(t, c.Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: prefix + "-a"}}))
			require.NoError(t, c.Create(ctx, &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: "old", Namespace: prefix + "-a"},
				Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "c", Image: "nginx"}}}}))
			// A daily schedule: a run 25h ago missed a slot, a run 1m ago did not (unless the test starts in the
			// first minute after midnight UTC).
			doc := policyDoc(policiesv1.DeletingPolicyKind, "", prefix, "")
			obj := createPolicyObject(t, c, policiesv1.DeletingPolicyKind, replaceSchedule(doc, "0 0 * * *")).(*policiesv1.DeletingPolicy)
			obj.Status.LastExecutionTime = metav1.NewTime(time.Now().Add(-tt.lastRun))
			require.NoError(t, c.Status().Update(ctx, obj))

			store := policy.NewStore()
			set := policy.NewLoader(ctl.Engine).LoadBytes("p.yaml", []byte(replaceSchedule(doc, "0 0 * * *")))
			require.Empty(t, set.Errors)
			store.ReplaceSource("test", set.Policies, nil)
			store.MarkReady()
			ctl.Store = store
			done := make(chan error, 1)
			go func() { done <- ctl.Start(ctx) }()
			t.Cleanup(func() { cancel(); require.NoError(t, <-done) })

			gone := func() bool { return len(podsLeft(t, c, prefix)) == 0 }
			if tt.deleted {
				require.Eventually(t, gone, 20*time.Second, 100*time.Millisecond, "the missed run happens at start")
				require.NoError(t, c.Get(ctx, client.ObjectKeyFromObject(obj), obj))
				assert.WithinDuration(t, time.Now(), obj.Status.LastExecutionTime.Time, time.Minute)
				return
			}
			time.Sleep(3 * time.Second)
			assert.False(t, gone(), "no run before the next slot")
		})
	}
}
