package main

import (
	"testing"

	"github.com/stretchr/testify/assert"
	vegeta "github.com/tsenart/vegeta/v12/lib"
)

func TestWebhookCheck(t *testing.T) {
	check := webhookCheck(map[string]string{"load-000001": verdictDenied, "load-000002": verdictAllowed})
	denied := `{"response":{"uid":"load-000001","allowed":false,"status":{"message":"blocked"}}}`
	tests := []struct {
		name            string
		result          vegeta.Result
		verdict, errHas string
	}{
		{"expected denial is an answer", vegeta.Result{Code: 200, Body: []byte(denied)}, verdictDenied, ""},
		{"verdict that differs from the one alone", vegeta.Result{Code: 200,
			Body: []byte(`{"response":{"uid":"load-000002","allowed":false,"status":{"message":"rate limited"}}}`)},
			"", `pod load-000002: verdict denied under load, "allowed" alone: rate limited`},
		{"unknown pod", vegeta.Result{Code: 200, Body: []byte(`{"response":{"uid":"x","allowed":true}}`)}, "", "pod x"},
		{"transport error", vegeta.Result{Error: "connection reset"}, "", "transport: connection reset"},
		{"HTTP error", vegeta.Result{Code: 500, Error: "500 Internal Server Error", Body: []byte("oops")}, "", "HTTP 500: oops"},
		{"not a review", vegeta.Result{Code: 200, Body: []byte("{}")}, "", "without response"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			verdict, problem := check(&tt.result)
			assert.Equal(t, tt.verdict, verdict)
			if tt.errHas == "" {
				assert.Empty(t, problem)
				return
			}
			assert.Contains(t, problem, tt.errHas)
		})
	}
}

func TestAPIServerCheck(t *testing.T) {
	tests := []struct {
		name            string
		result          vegeta.Result
		verdict, errHas string
	}{
		{"admitted", vegeta.Result{Code: 201}, verdictAllowed, ""},
		{"denied by admission", vegeta.Result{Code: 403, Error: "403 Forbidden"}, verdictDenied, ""},
		{"transport error", vegeta.Result{Error: "timeout"}, "", "transport: timeout"},
		{"webhook call failed", vegeta.Result{Code: 500, Error: "500", Body: []byte(`failed calling webhook`)}, "",
			"HTTP 500: failed calling webhook"},
		{"throttled", vegeta.Result{Code: 429, Error: "429"}, "", "HTTP 429"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			verdict, problem := apiserverCheck(&tt.result)
			assert.Equal(t, tt.verdict, verdict)
			if tt.errHas == "" {
				assert.Empty(t, problem)
				return
			}
			assert.Contains(t, problem, tt.errHas)
		})
	}
}
