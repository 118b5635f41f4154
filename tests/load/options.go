package main

import (
	"fmt"
	"slices"
	"time"

	"github.com/spf13/pflag"
)

// Modes.
const (
	modeWebhook   = "webhook"
	modeAPIServer = "apiserver"
)

// Options are the load tool's flags.
type Options struct {
	Mode        string
	Scenario    string
	Corpus      string
	Bylaw       string
	Out         string
	Testdata    string
	Rate        int
	Duration    time.Duration
	APIRates    []int
	APIDuration time.Duration
	Pods        int
	Seed        uint64
	Enforce     bool
	HTTP2       bool
}

// defaultOptions are the defaults of `make load`: about 13 minutes for both modes and every scenario on 2 cores.
func defaultOptions() Options {
	return Options{Mode: "all", Scenario: "all", Corpus: "../shared/conformance/kyverno-policies", Bylaw: "bin/bylaw",
		Out: "bin/load", Testdata: "tests/load/testdata", Rate: 1000, Duration: 30 * time.Second,
		APIRates: []int{100, 300}, APIDuration: 20 * time.Second, Pods: 200, Seed: 1, Enforce: true, HTTP2: false}
}

// AddFlags binds o to flags of fs.
func (o *Options) AddFlags(fs *pflag.FlagSet) {
	fs.StringVar(&o.Mode, "mode", o.Mode, "webhook, apiserver or all")
	fs.StringVar(&o.Scenario, "scenario", o.Scenario, "all, or a comma-separated list of: pod-security, "+
		"pod-security-vpol, pod-security+50, mutate, context")
	fs.StringVar(&o.Corpus, "corpus", o.Corpus, "folder of the Kyverno policy corpus")
	fs.StringVar(&o.Bylaw, "bylaw", o.Bylaw, "the bylaw binary to run as `bylaw serve`")
	fs.StringVar(&o.Out, "out", o.Out, "folder of the JSON summaries and bylaw logs")
	fs.StringVar(&o.Testdata, "testdata", o.Testdata, "folder of the load tool's own policies (the context scenario)")
	fs.IntVar(&o.Rate, "rate", o.Rate, "webhook mode: AdmissionReviews per second")
	fs.DurationVar(&o.Duration, "duration", o.Duration, "webhook mode: length of each attack")
	fs.IntSliceVar(&o.APIRates, "apiserver-rates", o.APIRates, "apiserver mode: Pod creates per second, one attack each")
	fs.DurationVar(&o.APIDuration, "apiserver-duration", o.APIDuration, "apiserver mode: length of each attack")
	fs.IntVar(&o.Pods, "pods", o.Pods, "distinct generated Pods, sent in turn")
	fs.Uint64Var(&o.Seed, "seed", o.Seed, "seed of the Pod generator")
	fs.BoolVar(&o.Enforce, "enforce", o.Enforce, "turn validate policies into Enforce (Deny) ones, so violating Pods are denied")
	fs.BoolVar(&o.HTTP2, "http2", o.HTTP2, "webhook mode: HTTP/2 to bylaw serve (one multiplexed connection) instead of HTTP/1.1 keep-alive connections")
}

// modes resolves --mode.
func (o *Options) modes() ([]string, error) {
	switch o.Mode {
	case "all":
		return []string{modeWebhook, modeAPIServer}, nil
	case modeWebhook, modeAPIServer:
		return []string{o.Mode}, nil
	}
	return nil, fmt.Errorf("--mode %q: want webhook, apiserver or all", o.Mode)
}

// validate checks the numbers.
func (o *Options) validate() error {
	switch {
	case o.Rate < 1 || o.Duration <= 0 || o.APIDuration <= 0:
		return fmt.Errorf("--rate, --duration and --apiserver-duration must be positive")
	case len(o.APIRates) == 0 || slices.Min(o.APIRates) < 1:
		return fmt.Errorf("--apiserver-rates must hold positive rates")
	case o.Pods < 1:
		return fmt.Errorf("--pods must be at least 1")
	}
	return nil
}
