package server

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/bylaw-dev/bylaw/webhook/registration"
)

func TestMonitorFlags(t *testing.T) {
	tests := []struct {
		name string
		args []string
		// monitor is whether the monitor webhook is registered.
		monitor bool
		err     string
	}{
		{name: "defaults", args: []string{"--replica-name=bylaw-0"}, monitor: true},
		{name: "short, as in tests", args: []string{"--replica-name=e2e-1", "--webhook-monitor-interval=1s",
			"--webhook-monitor-timeout=5s"}, monitor: true},
		{name: "off", args: []string{"--webhook-monitor-interval=0", "--replica-name="}},
		{name: "timeout under two intervals", args: []string{"--replica-name=bylaw-0", "--webhook-monitor-interval=10s",
			"--webhook-monitor-timeout=15s"}, err: "--webhook-monitor-timeout (15s) must be at least twice --webhook-monitor-interval (10s)"},
		{name: "negative interval", args: []string{"--replica-name=bylaw-0", "--webhook-monitor-interval=-1s"},
			err: "--webhook-monitor-timeout"},
		{name: "no replica name", args: []string{"--replica-name="}, err: `--replica-name "": not usable in a Lease name`},
		{name: "a replica name no Lease can carry", args: []string{"--replica-name=Bylaw_0"},
			err: `--replica-name "Bylaw_0": not usable in a Lease name`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := parse(t, append([]string{"--webhook-url=https://127.0.0.1:9443"}, tt.args...)...)
			err := o.Validate()
			if tt.err != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), tt.err)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.monitor, o.registrationMonitor() != nil)
		})
	}
}

func TestDefaultMonitorOptions(t *testing.T) {
	t.Setenv("POD_NAME", "Bylaw-7c9d-X2KQ")
	t.Setenv("POD_UID", "0f6c")
	o := defaultMonitorOptions()
	assert.Equal(t, "bylaw-7c9d-x2kq", o.ReplicaName)
	assert.Equal(t, "0f6c", o.ReplicaPodUID)
	assert.Equal(t, 10*time.Second, o.MonitorInterval)
	assert.Equal(t, time.Minute, o.MonitorTimeout)
	assert.False(t, o.UninstallWebhooks, "a stop never uninstalls unless asked")
}

// The monitor path goes to the monitor handler, every other path to the admission handler.
func TestWithMonitorRoutes(t *testing.T) {
	admission := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte("admission")) })
	o := parse(t, "--webhook-url=https://127.0.0.1:9443", "--replica-name=bylaw-0")
	h := withMonitor(admission, o)
	for path, want := range map[string]string{"/validate/fail/10": "admission", "/mutate/ignore/5": "admission",
		registration.MonitorPath: "not an AdmissionReview"} {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, path, strings.NewReader("{}")))
		assert.Contains(t, rec.Body.String(), want, path)
	}
	o.MonitorInterval = 0
	rec := httptest.NewRecorder()
	withMonitor(admission, o).ServeHTTP(rec, httptest.NewRequest(http.MethodPost, registration.MonitorPath, nil))
	assert.Equal(t, "admission", rec.Body.String(), "monitor off: no monitor path")
}
