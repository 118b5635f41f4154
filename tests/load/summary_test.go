package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func msList(values ...float64) []time.Duration {
	out := make([]time.Duration, len(values))
	for i, v := range values {
		out[i] = time.Duration(v * float64(time.Millisecond))
	}
	return out
}

func TestPercentile(t *testing.T) {
	hundred := make([]float64, 100)
	for i := range hundred {
		hundred[i] = float64(i + 1)
	}
	tests := []struct {
		name   string
		sorted []time.Duration
		p      float64
		want   time.Duration
	}{
		{"empty", nil, 99, 0},
		{"one value", msList(7), 50, 7 * time.Millisecond},
		{"p50 of 1..100 is 50", msList(hundred...), 50, 50 * time.Millisecond},
		{"p95 of 1..100 is 95", msList(hundred...), 95, 95 * time.Millisecond},
		{"p99 of 1..100 is 99", msList(hundred...), 99, 99 * time.Millisecond},
		{"p100 is the max", msList(hundred...), 100, 100 * time.Millisecond},
		{"p99 of 10 values is the max (nearest rank)", msList(1, 2, 3, 4, 5, 6, 7, 8, 9, 10), 99, 10 * time.Millisecond},
		{"p50 of 4 values is the second", msList(1, 2, 3, 4), 50, 2 * time.Millisecond},
		{"p0 is the min", msList(3, 4), 0, 3 * time.Millisecond},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, percentile(tt.sorted, tt.p))
		})
	}
}

func TestSummaryLine(t *testing.T) {
	tests := []struct {
		name      string
		latencies []time.Duration
		errors    int
		rss       int
		want      string
	}{
		{"unsorted latencies", msList(3, 1, 2, 0.5), 1, 77,
			"load: webhook/pod-security 4 requests at 1000/s: p50 1.00 ms, p95 3.00 ms, p99 3.00 ms, max 3.00 ms, errors 1, bylaw rss 77 MB"},
		{"baseline without bylaw", msList(0.123, 0.456), 0, 0,
			"load: webhook/pod-security 2 requests at 1000/s: p50 0.12 ms, p95 0.46 ms, p99 0.46 ms, max 0.46 ms, errors 0, bylaw rss 0 MB"},
		{"no requests", nil, 0, 80,
			"load: webhook/pod-security 0 requests at 1000/s: p50 0.00 ms, p95 0.00 ms, p99 0.00 ms, max 0.00 ms, errors 0, bylaw rss 80 MB"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := &Summary{Mode: modeWebhook, Scenario: "webhook/pod-security", Rate: 1000, RSSMB: tt.rss}
			for range tt.errors {
				s.addError("boom")
			}
			summarize(s, tt.latencies)
			assert.Equal(t, tt.want, s.Line())
		})
	}
}

func TestAddedLine(t *testing.T) {
	base := &Summary{P50: 3.7, P99: 7.3}
	tests := []struct {
		name  string
		bylaw *Summary
		want  string
	}{
		{"slower with bylaw", &Summary{P50: 5.1, P99: 11.5}, "load: apiserver/pod-security added by bylaw at 100/s: p50 1.40 ms, p99 4.20 ms"},
		{"noise can make it negative", &Summary{P50: 3.2, P99: 7.3}, "load: apiserver/pod-security added by bylaw at 100/s: p50 -0.50 ms, p99 0.00 ms"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, addedLine("apiserver/pod-security", 100, base, tt.bylaw))
		})
	}
}

func TestHistogram(t *testing.T) {
	tests := []struct {
		name      string
		latencies []time.Duration
		want      map[float64]int // upper bound (0: unbounded) -> count; other buckets are empty
	}{
		{"bounds are inclusive", msList(0.25, 0.26, 1, 1.01), map[float64]int{0.25: 1, 0.5: 1, 1: 1, 1.5: 1}},
		{"beyond the last bound", msList(20000, 0.1), map[float64]int{0.25: 1, 0: 1}},
		{"none", nil, map[float64]int{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := &Summary{}
			summarize(s, tt.latencies)
			require.Len(t, s.Histogram, len(bucketBounds())+1)
			got, total := map[float64]int{}, 0
			for _, b := range s.Histogram {
				if b.Count > 0 {
					got[b.UpToMs] = b.Count
				}
				total += b.Count
			}
			assert.Equal(t, tt.want, got)
			assert.Equal(t, len(tt.latencies), total)
		})
	}
}

func TestSummaryWrite(t *testing.T) {
	tests := []struct {
		name, scenario, file string
	}{
		{"webhook", "webhook/pod-security", "webhook_pod-security_1000.json"},
		{"plus", "webhook/pod-security+50", "webhook_pod-security_50_1000.json"},
		{"baseline", "apiserver-baseline/mutate", "apiserver-baseline_mutate_1000.json"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "load")
			s := &Summary{Mode: modeWebhook, Scenario: tt.scenario, Rate: 1000, Statuses: map[int]int{200: 2}}
			summarize(s, msList(1, 2))
			path, err := s.write(dir)
			require.NoError(t, err)
			assert.Equal(t, filepath.Join(dir, tt.file), path)
			data, err := os.ReadFile(path)
			require.NoError(t, err)
			var back Summary
			require.NoError(t, json.Unmarshal(data, &back))
			assert.Equal(t, *s, back)
		})
	}
}

func TestAddErrorKeepsDistinctSamples(t *testing.T) {
	s := &Summary{}
	for i := range 3 * maxErrorSamples {
		s.addError("error " + strings.Repeat("x", i%(maxErrorSamples+2)))
	}
	s.addError("error ")
	assert.Equal(t, 3*maxErrorSamples+1, s.Errors)
	assert.Len(t, s.ErrorSamples, maxErrorSamples)
	assert.Equal(t, "error ", s.ErrorSamples[0])
}

func TestFormatMachine(t *testing.T) {
	tests := []struct {
		name, loadavg string
		want          string
	}{
		{"proc loadavg", "0.52 1.61 0.74 2/345 6789\n", "load: machine 2 cores, load average 0.52 1.61 0.74"},
		{"unreadable", "", "load: machine 2 cores, load average unknown"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, formatMachine(2, tt.loadavg, nil))
		})
	}
}

func TestVMHWM(t *testing.T) {
	tests := []struct {
		name, status string
		want         int
		err          bool
	}{
		{"peak", "Name:\tbylaw\nVmPeak:\t 1900000 kB\nVmHWM:\t   80384 kB\nVmRSS:\t   70000 kB\n", 79, false},
		{"rounded", "VmHWM:\t 1536 kB\n", 2, false},
		{"missing", "Name:\tbylaw\n", 0, true},
		{"garbled", "VmHWM:\t lots kB\n", 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := vmHWM(strings.NewReader(tt.status))
			if tt.err {
				require.Error(t, err)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
}
