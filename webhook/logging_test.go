package webhook_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/go-logr/logr"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	uzap "go.uber.org/zap"
	admissionv1 "k8s.io/api/admission/v1"
	"sigs.k8s.io/controller-runtime/pkg/log/zap"
)

// countingSink records how often pairs are attached (WithValues) and the lines written, with their pairs.
type countingSink struct {
	withValues *int
	lines      *[]map[string]any
	values     []any
}

func (countingSink) Init(logr.RuntimeInfo) {}
func (countingSink) Enabled(int) bool      { return true }
func (s countingSink) Info(_ int, msg string, kv ...any) {
	line := map[string]any{"msg": msg}
	for _, pairs := range [][]any{s.values, kv} {
		for i := 0; i+1 < len(pairs); i += 2 {
			line[pairs[i].(string)] = pairs[i+1]
		}
	}
	*s.lines = append(*s.lines, line)
}
func (s countingSink) Error(err error, msg string, kv ...any) {
	s.Info(0, msg, append(kv, "error", err)...)
}
func (s countingSink) WithName(string) logr.LogSink { return s }
func (s countingSink) WithValues(kv ...any) logr.LogSink {
	*s.withValues++
	s.values = append(append([]any(nil), s.values...), kv...)
	return s
}

// failingWriter is a ResponseWriter whose body writes fail, so the handler logs "writing admission response".
type failingWriter struct{ *httptest.ResponseRecorder }

func (failingWriter) Write([]byte) (int, error) { return 0, errors.New("connection reset") }

func serveWith(h http.Handler, w http.ResponseWriter, body []byte) {
	r := httptest.NewRequest(http.MethodPost, "/validate/fail/10", bytes.NewReader(body))
	r.Header.Set("Content-Type", "application/json")
	h.ServeHTTP(w, r)
}

// TestRequestLoggerDefersItsValues checks the per-request logger: a request that logs nothing never attaches its
// pairs (with the production zap logger that encodes them, the largest logging cost of a request), and a line that is
// written carries every pair of the request and names the handler as its caller.
func TestRequestLoggerDefersItsValues(t *testing.T) {
	h, _ := newHandler(t)
	withValues, lines := 0, []map[string]any{}
	h.Log = logr.New(countingSink{withValues: &withValues, lines: &lines})
	body := review(admissionv1.Create, "Pod", "", "shop", privilegedPod, "", false)

	serveWith(h, httptest.NewRecorder(), body)
	assert.Zero(t, withValues, "a request that logs nothing attached its pairs")
	assert.Empty(t, lines)

	serveWith(h, failingWriter{httptest.NewRecorder()}, body)
	require.Len(t, lines, 1)
	assert.Equal(t, map[string]any{"msg": "writing admission response", "error": lines[0]["error"],
		"uid": lines[0]["uid"], "kind": "Pod", "namespace": "shop", "name": "web",
		"operation": admissionv1.Create, "path": "/validate/fail/10"}, lines[0])
	assert.EqualValues(t, "uid-1", lines[0]["uid"])

	var out bytes.Buffer
	h.Log = zap.New(zap.WriteTo(&out), zap.JSONEncoder(), zap.RawZapOpts(uzap.AddCaller())).WithName("admission")
	serveWith(h, failingWriter{httptest.NewRecorder()}, body)
	var line map[string]any
	require.NoError(t, json.Unmarshal(out.Bytes(), &line), out.String())
	assert.Equal(t, "uid-1", line["uid"])
	assert.Equal(t, "admission", line["logger"])
	caller, _ := line["caller"].(string)
	assert.True(t, strings.HasPrefix(caller, "webhook/handler.go:"), "caller %q", caller)
}
