package main

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	admissionv1 "k8s.io/api/admission/v1"

	"github.com/bylaw-dev/bylaw/tests/bench/podgen/gen"
)

func TestWorkload(t *testing.T) {
	w, err := newWorkload(50, 1)
	require.NoError(t, err)
	require.Len(t, w.reviews, 50)
	require.Len(t, w.podJSON, 50)
	var violating int
	for i, body := range w.reviews {
		var r admissionv1.AdmissionReview
		require.NoError(t, json.Unmarshal(body, &r))
		require.NotNil(t, r.Request)
		assert.Equal(t, reviewUID(i), string(r.Request.UID))
		assert.Equal(t, loadNamespace, r.Request.Namespace)
		assert.Equal(t, admissionv1.Create, r.Request.Operation)
		assert.Equal(t, "pods", r.Request.Resource.Resource)
		assert.JSONEq(t, string(w.podJSON[i]), string(r.Request.Object.Raw))
		var pod struct {
			Metadata struct{ Namespace string } `json:"metadata"`
			Spec     struct{ Containers []any } `json:"spec"`
		}
		require.NoError(t, json.Unmarshal(w.podJSON[i], &pod))
		assert.Equal(t, loadNamespace, pod.Metadata.Namespace)
		assert.True(t, len(pod.Spec.Containers) >= 1 && len(pod.Spec.Containers) <= 3)
		if w.pods[i].Violation != gen.None {
			violating++
		}
	}
	assert.True(t, violating > 0 && violating < 50, "violating: %d", violating)
	assert.NotEmpty(t, w.serviceAccounts())
	assert.IsIncreasing(t, w.serviceAccounts())
}

func TestReadAnswer(t *testing.T) {
	tests := []struct {
		name, body string
		want       answer
		err        bool
	}{
		{"allowed", `{"response":{"uid":"load-000001","allowed":true}}`, answer{UID: "load-000001", Verdict: verdictAllowed}, false},
		{"patched", `{"response":{"uid":"u","allowed":true,"patchType":"JSONPatch","patch":"W10="}}`,
			answer{UID: "u", Verdict: verdictPatched}, false},
		{"denied", `{"response":{"uid":"u","allowed":false,"status":{"code":403,"message":"blocked"}}}`,
			answer{UID: "u", Verdict: verdictDenied, Message: "blocked"}, false},
		{"no response", `{"kind":"AdmissionReview"}`, answer{}, true},
		{"not JSON", `<html>`, answer{}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := readAnswer([]byte(tt.body))
			if tt.err {
				require.Error(t, err)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestPodsURL(t *testing.T) {
	tests := []struct {
		host, want string
		err        bool
	}{
		{"https://127.0.0.1:6443", "https://127.0.0.1:6443/api/v1/namespaces/load/pods?dryRun=All", false},
		{"https://127.0.0.1:6443/", "https://127.0.0.1:6443/api/v1/namespaces/load/pods?dryRun=All", false},
		{"127.0.0.1:6443", "", true},
	}
	for _, tt := range tests {
		t.Run(tt.host, func(t *testing.T) {
			got, err := podsURL(tt.host)
			if tt.err {
				require.Error(t, err)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
}
