package main

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"time"
)

// Summary is what one attack measured: the numbers of the summary line and what the JSON file holds beside them.
type Summary struct {
	Mode     string  `json:"mode"`
	Scenario string  `json:"scenario"`
	Rate     int     `json:"rate"`
	Requests int     `json:"requests"`
	Seconds  float64 `json:"durationSeconds"`
	P50      float64 `json:"p50Ms"`
	P95      float64 `json:"p95Ms"`
	P99      float64 `json:"p99Ms"`
	Max      float64 `json:"maxMs"`
	Errors   int     `json:"errors"`
	// RSSMB is the peak resident set (VmHWM) of `bylaw serve` in MB; 0 when Bylaw did not run (a baseline).
	RSSMB int `json:"bylawRssMB"`
	// Statuses counts the HTTP status codes of the answers (0: no answer, a transport error).
	Statuses map[int]int `json:"statuses"`
	// Verdicts counts the answers by verdict: "allowed", "denied", "patched" (webhook mode: allowed with a patch).
	Verdicts map[string]int `json:"verdicts,omitempty"`
	// ErrorSamples are the first distinct error messages.
	ErrorSamples []string `json:"errorSamples,omitempty"`
	// Histogram counts latencies per bucket.
	Histogram []Bucket `json:"histogram"`
}

// Bucket counts the latencies up to UpToMs (inclusive) and above the previous bucket; the last bucket has no bound.
type Bucket struct {
	UpToMs float64 `json:"upToMs,omitempty"`
	Count  int     `json:"count"`
}

// bucketBounds are the histogram's upper bounds in milliseconds.
func bucketBounds() []float64 {
	return []float64{0.25, 0.5, 0.75, 1, 1.5, 2, 3, 5, 7.5, 10, 15, 20, 30, 50, 75, 100, 150, 200, 300, 500, 750,
		1000, 2000, 5000, 10000}
}

// maxErrorSamples bounds Summary.ErrorSamples.
const maxErrorSamples = 10

// summarize fills the latency figures and histogram of s from latencies (any order).
func summarize(s *Summary, latencies []time.Duration) {
	sorted := slices.Clone(latencies)
	slices.Sort(sorted)
	s.Requests = len(sorted)
	s.P50, s.P95, s.P99 = ms(percentile(sorted, 50)), ms(percentile(sorted, 95)), ms(percentile(sorted, 99))
	if len(sorted) > 0 {
		s.Max = ms(sorted[len(sorted)-1])
	}
	s.Histogram = histogram(sorted)
}

// percentile returns the nearest-rank p-th percentile of sorted (the smallest value with at least p % of the values
// at or below it), or 0 for no values.
func percentile(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	rank := int(math.Ceil(p / 100 * float64(len(sorted))))
	return sorted[min(max(rank, 1), len(sorted))-1]
}

// histogram counts sorted latencies per bucket of bucketBounds, plus one unbounded bucket.
func histogram(sorted []time.Duration) []Bucket {
	bounds := bucketBounds()
	out := make([]Bucket, len(bounds)+1)
	for i, b := range bounds {
		out[i].UpToMs = b
	}
	i := 0
	for _, l := range sorted {
		for i < len(bounds) && ms(l) > bounds[i] {
			i++
		}
		out[i].Count++
	}
	return out
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// Line is the summary line of s.
func (s *Summary) Line() string {
	return fmt.Sprintf("load: %s %d requests at %d/s: p50 %.2f ms, p95 %.2f ms, p99 %.2f ms, max %.2f ms, errors %d, "+
		"bylaw rss %d MB", s.Scenario, s.Requests, s.Rate, s.P50, s.P95, s.P99, s.Max, s.Errors, s.RSSMB)
}

// addedLine says what Bylaw added to the baseline at one rate.
func addedLine(scenario string, rate int, baseline, bylaw *Summary) string {
	return fmt.Sprintf("load: %s added by bylaw at %d/s: p50 %.2f ms, p99 %.2f ms", scenario, rate,
		bylaw.P50-baseline.P50, bylaw.P99-baseline.P99)
}

// fileName is the name of the JSON file of s: "webhook_pod-security_1000.json" for scenario "webhook/pod-security"
// (fileSafe).
func (s *Summary) fileName() string {
	return fileSafe(s.Scenario + "_" + fmt.Sprint(s.Rate) + ".json")
}

// write stores s as indented JSON in dir and returns the file's path.
func (s *Summary) write(dir string) (string, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", fmt.Errorf("creating %s: %w", dir, err)
	}
	data, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return "", fmt.Errorf("encoding the summary of %s: %w", s.Scenario, err)
	}
	path := filepath.Join(dir, s.fileName())
	if err := os.WriteFile(path, append(data, '\n'), 0o644); err != nil {
		return "", fmt.Errorf("writing %s: %w", path, err)
	}
	return path, nil
}

// addError counts one error and keeps its message when it is new and there is room.
func (s *Summary) addError(msg string) {
	s.Errors++
	if len(s.ErrorSamples) < maxErrorSamples && !slices.Contains(s.ErrorSamples, msg) {
		s.ErrorSamples = append(s.ErrorSamples, msg)
	}
}
