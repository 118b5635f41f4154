package main

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"github.com/spf13/pflag"

	"github.com/bylaw-dev/bylaw/engine"
	"github.com/bylaw-dev/bylaw/policy"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdout)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "load:", err)
		os.Exit(1)
	}
}

// runner holds what every scenario of a run shares.
type runner struct {
	opts    Options
	out     io.Writer
	cluster *cluster
	work    *workload
	dir     string // temporary folder: kubeconfig, git cache
}

func run(ctx context.Context, args []string, out io.Writer) error {
	opts := defaultOptions()
	fs := pflag.NewFlagSet("load", pflag.ContinueOnError)
	opts.AddFlags(fs)
	if err := fs.Parse(args); err != nil {
		return fmt.Errorf("parsing flags: %w", err)
	}
	modes, err := opts.modes()
	if err != nil {
		return err
	}
	names, err := pickScenarios(opts.Scenario)
	if err != nil {
		return err
	}
	if err := opts.validate(); err != nil {
		return err
	}
	fmt.Fprintln(out, machineLine())
	defer func() { fmt.Fprintln(out, machineLine()) }()
	loader := policy.NewLoader(engine.New())
	var scenarios []*Scenario
	for _, name := range names {
		s, err := buildScenario(loader, name, opts.Corpus, opts.Testdata, opts.Enforce)
		if err != nil {
			return err
		}
		scenarios = append(scenarios, s)
	}
	r := &runner{opts: opts, out: out}
	if r.work, err = newWorkload(opts.Pods, opts.Seed); err != nil {
		return err
	}
	if r.dir, err = os.MkdirTemp("", "bylaw-load"); err != nil {
		return fmt.Errorf("temporary folder: %w", err)
	}
	defer os.RemoveAll(r.dir)
	if r.cluster, err = startCluster(ctx, r.dir, r.work.serviceAccounts()); err != nil {
		return err
	}
	defer r.cluster.stop()
	var failed []error
	for _, mode := range modes {
		for _, s := range scenarios {
			if err := r.scenario(ctx, mode, s); err != nil {
				// One scenario that overloads Bylaw (it may lose its leader Lease and exit) is reported; the
				// others still run, and the run fails at the end.
				err = fmt.Errorf("%s mode, scenario %s: %w", mode, s.Name, err)
				fmt.Fprintf(r.out, "load: %s/%s failed: %v\n", mode, s.Name, err)
				failed = append(failed, err)
			}
		}
	}
	return errors.Join(failed...)
}

// scenario runs one scenario in one mode: (apiserver mode: the baseline first), the policies created, a fresh
// `bylaw serve` started and registered, the attacks, then Bylaw stopped and its policies and webhooks removed.
func (r *runner) scenario(ctx context.Context, mode string, s *Scenario) (err error) {
	var baselines []*Summary
	if mode == modeAPIServer {
		for _, rate := range r.opts.APIRates {
			b, err := r.apiserverAttack("apiserver-baseline/"+s.Name, rate, nil)
			if err != nil {
				return err
			}
			baselines = append(baselines, b)
		}
	}
	if err := r.cluster.applyPolicies(ctx, s); err != nil {
		return err
	}
	defer func() {
		if derr := r.cluster.deletePolicies(context.WithoutCancel(ctx), s); derr != nil && err == nil {
			err = derr
		}
	}()
	logPath := filepath.Join(r.opts.Out, "bylaw_"+mode+"_"+fileSafe(s.Name)+".log")
	if err := os.MkdirAll(r.opts.Out, 0o755); err != nil {
		return fmt.Errorf("creating %s: %w", r.opts.Out, err)
	}
	logs, err := os.Create(logPath)
	if err != nil {
		return fmt.Errorf("bylaw log: %w", err)
	}
	defer logs.Close()
	p, err := startBylaw(r.opts.Bylaw, r.cluster, r.dir, logs)
	if err != nil {
		return fmt.Errorf("%w (log: %s)", err, logPath)
	}
	defer func() {
		if serr := p.stop(); serr != nil && err == nil {
			err = fmt.Errorf("%w (log: %s)", serr, logPath)
		}
	}()
	if err := r.cluster.waitRegistered(ctx, s, 60*time.Second); err != nil {
		return fmt.Errorf("%w (log: %s)", err, logPath)
	}
	if mode == modeWebhook {
		return r.webhookAttack(ctx, s, p)
	}
	for i, rate := range r.opts.APIRates {
		b, err := r.apiserverAttack("apiserver-bylaw/"+s.Name, rate, p)
		if err != nil {
			return err
		}
		fmt.Fprintln(r.out, addedLine("apiserver/"+s.Name, rate, baselines[i], b))
	}
	return nil
}

// webhookAttack posts the workload's AdmissionReviews to the scenario's webhook path of p.
func (r *runner) webhookAttack(ctx context.Context, s *Scenario, p *bylawProcess) error {
	pool, err := r.cluster.caPool(ctx)
	if err != nil {
		return err
	}
	tlsConfig := &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}
	url := p.webhookURL + s.Path
	expected, err := expectedVerdicts(ctx, tlsConfig, url, r.work.reviews)
	if err != nil {
		return err
	}
	a := &attack{attacker: webhookAttacker(tlsConfig, r.opts.HTTP2), url: url, bodies: r.work.reviews,
		rate: r.opts.Rate, duration: r.opts.Duration, check: webhookCheck(expected)}
	return r.finish(&Summary{Mode: modeWebhook, Scenario: "webhook/" + s.Name}, a, p)
}

// apiserverAttack creates the workload's Pods with dryRun=All through the API server; p is nil for a baseline.
// One second at the same rate, not measured, warms connections and caches first.
func (r *runner) apiserverAttack(name string, rate int, p *bylawProcess) (*Summary, error) {
	url, err := podsURL(r.cluster.cfg.Host)
	if err != nil {
		return nil, err
	}
	for _, warm := range []bool{true, false} {
		attacker, err := apiserverAttacker(r.cluster.cfg) // an attacker runs one attack
		if err != nil {
			return nil, err
		}
		a := &attack{attacker: attacker, url: url, bodies: r.work.podJSON, rate: rate, duration: r.opts.APIDuration,
			check: apiserverCheck}
		if warm {
			a.duration = time.Second
			a.run(&Summary{})
			continue
		}
		s := &Summary{Mode: modeAPIServer, Scenario: name}
		return s, r.finish(s, a, p)
	}
	return nil, nil
}

// podsURL is the dry-run Pod create URL of the load namespace on the API server at host.
func podsURL(host string) (string, error) {
	u, err := url.Parse(host)
	if err != nil || u.Host == "" {
		return "", fmt.Errorf("API server address %q: want https://host:port: %v", host, err)
	}
	u.Path, u.RawQuery = "/api/v1/namespaces/"+loadNamespace+"/pods", "dryRun=All"
	return u.String(), nil
}

// finish runs a, reads Bylaw's peak RSS (when p runs), prints the summary line and writes the JSON file.
func (r *runner) finish(s *Summary, a *attack, p *bylawProcess) error {
	a.run(s)
	if p != nil {
		rss, err := p.peakRSSMB()
		if err != nil {
			return err
		}
		s.RSSMB = rss
	}
	fmt.Fprintln(r.out, s.Line())
	_, err := s.write(r.opts.Out)
	return err
}
