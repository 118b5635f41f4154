package apply

import (
	"bufio"
	"bytes"
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestWriteEntryJSONMatchesEncodingJSON(t *testing.T) {
	entries := []resultEntry{
		{Policy: "p", Rule: "r", Resource: resourceRef{APIVersion: "v1", Kind: "Pod", Namespace: "ns", Name: "n"},
			Result: "pass", Message: "ok", Action: "Audit"},
		{Policy: "p", Rule: "r", Resource: resourceRef{Kind: "Namespace", Name: "n"}, Result: "skip", Action: "Enforce",
			Exception: "ns/x"},
		{Policy: "q\"<&>", Rule: "é\t\n", Resource: resourceRef{Kind: "K", Name: "\u2028"}, Result: "fail",
			Message: "path /spec/`x`\\y", Action: ""},
	}
	for _, e := range entries {
		want, err := json.MarshalIndent(&e, "    ", "  ")
		require.NoError(t, err)
		var buf bytes.Buffer
		w := bufio.NewWriter(&buf)
		writeEntryJSON(w, &e, "    ")
		require.NoError(t, w.Flush())
		assert.Equal(t, string(want), buf.String())
	}
}

func FuzzWriteEntryJSON(f *testing.F) {
	f.Add("p", "r", "Pod", "ns", "n", "msg")
	f.Fuzz(func(t *testing.T, policy, rule, kind, ns, name, msg string) {
		e := resultEntry{Policy: policy, Rule: rule, Resource: resourceRef{Kind: kind, Namespace: ns, Name: name},
			Result: "fail", Message: msg, Action: "Audit"}
		want, err := json.MarshalIndent(&e, "    ", "  ")
		require.NoError(t, err)
		var buf bytes.Buffer
		w := bufio.NewWriter(&buf)
		writeEntryJSON(w, &e, "    ")
		require.NoError(t, w.Flush())
		require.Equal(t, string(want), buf.String())
	})
}
