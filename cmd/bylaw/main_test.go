package main

import (
	"bytes"
	"context"
	"errors"
	"io"
	"runtime/debug"
	"testing"
	"time"

	"github.com/go-logr/logr"

	"github.com/stretchr/testify/assert"

	"github.com/bylaw-dev/bylaw/cli/apply"
	bundlecli "github.com/bylaw-dev/bylaw/cli/bundle"
	"github.com/bylaw-dev/bylaw/cli/kyvernotest"
	"github.com/bylaw-dev/bylaw/manifest"
	"github.com/bylaw-dev/bylaw/server"
)

// recorder injects runners that record the options they get and return a fixed result.
type recorder struct {
	apply *apply.Options
	test  *kyvernotest.Options
	serve *server.Options
	// the bundle subcommands
	build  *bundlecli.BuildOptions
	sign   *bundlecli.SignOptions
	verify *bundlecli.VerifyOptions
	code   int
	err    error
}

func (r *recorder) runners() runners {
	return runners{
		apply: func(_ context.Context, o apply.Options, stdout, _ io.Writer) (int, error) {
			r.apply = &o
			_, _ = io.WriteString(stdout, "applied\n")
			return r.code, r.err
		},
		test: func(_ context.Context, o kyvernotest.Options, stdout io.Writer) (int, error) {
			r.test = &o
			_, _ = io.WriteString(stdout, "tested\n")
			return r.code, r.err
		},
		serve: func(_ context.Context, o server.Options, _ logr.Logger) error {
			r.serve = &o
			return r.err
		},
		bundle: bundleRunners{
			build: func(_ context.Context, o bundlecli.BuildOptions, _, _ io.Writer) (int, error) {
				r.build = &o
				return r.code, r.err
			},
			sign: func(_ context.Context, o bundlecli.SignOptions, _, _ io.Writer) (int, error) {
				r.sign = &o
				return r.code, r.err
			},
			verify: func(_ context.Context, o bundlecli.VerifyOptions, _, _ io.Writer) (int, error) {
				r.verify = &o
				return r.code, r.err
			},
		},
	}
}

func run(t *testing.T, r *recorder, args ...string) (int, string, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := execute(t.Context(), args, &stdout, &stderr, r.runners())
	return code, stdout.String(), stderr.String()
}

func TestApplyFlags(t *testing.T) {
	r := &recorder{}
	code, stdout, _ := run(t, r, "apply", "p1.yaml", "dir", "--resource", "a.yaml,b.yaml", "-r", "c.yaml",
		"--values", "v.yaml", "-u", "u.yaml", "-o", "junit", "--max-file-bytes", "1048576")
	assert.Equal(t, 0, code)
	assert.Equal(t, "applied\n", stdout)
	assert.Equal(t, &apply.Options{
		PolicyPaths:   []string{"p1.yaml", "dir"},
		ResourcePaths: []string{"a.yaml", "b.yaml", "c.yaml"},
		ValuesFile:    "v.yaml",
		UserInfoFile:  "u.yaml",
		Output:        "junit",
		Limits:        manifest.Limits{MaxBytes: 1 << 20},
	}, r.apply)
}

func TestApplyNeedsPoliciesAndResources(t *testing.T) {
	for name, args := range map[string][]string{
		"no policy":   {"apply", "--resource", "r.yaml"},
		"no resource": {"apply", "p.yaml"},
	} {
		t.Run(name, func(t *testing.T) {
			r := &recorder{}
			code, _, stderr := run(t, r, args...)
			assert.Equal(t, 2, code)
			assert.Nil(t, r.apply, "the runner is not called")
			assert.Contains(t, stderr, "error:")
		})
	}
}

func TestTestFlags(t *testing.T) {
	r := &recorder{}
	code, stdout, _ := run(t, r, "test", "corpus", "other", "--detailed-results", "--json", "--folder-summary",
		"--kyverno-scoring", "-f", "suite.yaml", "--max-file-bytes", "1048576")
	assert.Equal(t, 0, code)
	assert.Equal(t, "tested\n", stdout)
	assert.Equal(t, &kyvernotest.Options{
		Paths: []string{"corpus", "other"}, FileName: "suite.yaml", DetailedResults: true, JSON: true,
		FolderSummary: true, KyvernoScoring: true, Limits: manifest.Limits{MaxBytes: 1 << 20},
	}, r.test)
}

func TestTestDefaults(t *testing.T) {
	r := &recorder{}
	run(t, r, "test", ".")
	assert.Equal(t, &kyvernotest.Options{Paths: []string{"."}, FileName: kyvernotest.DefaultFileName,
		Limits: manifest.Limits{MaxBytes: manifest.DefaultMaxBytes}}, r.test)
}

func TestExitCodes(t *testing.T) {
	tests := []struct {
		name   string
		code   int
		err    error
		want   int
		stderr string
	}{
		{"success", 0, nil, 0, ""},
		{"failed rows", 1, nil, 1, ""},
		{"error with code", 2, errors.New("nothing to evaluate"), 2, "error: nothing to evaluate\n"},
		{"error without code", 0, errors.New("boom"), 2, "error: boom\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := &recorder{code: tt.code, err: tt.err}
			code, _, stderr := run(t, r, "test", ".")
			assert.Equal(t, tt.want, code)
			assert.Equal(t, tt.stderr, stderr)
		})
	}
}

func TestOnlyKnownSubcommands(t *testing.T) {
	root := newRootCommand((&recorder{}).runners())
	var names []string
	for _, c := range root.Commands() {
		names = append(names, c.Name())
	}
	assert.ElementsMatch(t, []string{"apply", "bundle", "serve", "test", "version"}, names)
	code, _, stderr := run(t, &recorder{}, "policies")
	assert.Equal(t, 2, code)
	assert.Contains(t, stderr, "unknown command")
}

func TestServeFlags(t *testing.T) {
	t.Setenv("POD_NAMESPACE", "policy-system")
	r := &recorder{}
	code, _, stderr := run(t, r, "serve", "--webhook-url", "https://127.0.0.1:9443", "--excluded-namespaces", "a,b",
		"--leader-elect=false", "--cert-validity", "1h", "--log-format", "console")
	assert.Equal(t, 0, code, stderr)
	want := server.DefaultOptions()
	want.WebhookURL, want.ExcludedNamespaces, want.LeaderElect, want.CertValidity = "https://127.0.0.1:9443", []string{"a", "b"}, false, time.Hour
	assert.Equal(t, "policy-system", r.serve.Namespace)
	assert.Equal(t, &want, r.serve)

	code, _, stderr = run(t, &recorder{}, "serve", "--log-format", "xml")
	assert.Equal(t, 2, code)
	assert.Contains(t, stderr, "--log-format")
	code, _, stderr = run(t, &recorder{err: errors.New("boom")}, "serve")
	assert.Equal(t, 1, code)
	assert.Contains(t, stderr, "boom")
}

func TestVersion(t *testing.T) {
	code, stdout, _ := run(t, &recorder{}, "version")
	assert.Equal(t, 0, code)
	assert.Contains(t, stdout, "bylaw ")

	info := &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "v0.1.0"}, Settings: []debug.BuildSetting{
		{Key: "vcs.revision", Value: "abc123"}, {Key: "vcs.modified", Value: "true"},
	}}
	assert.Equal(t, "bylaw v0.1.0 (abc123+dirty) go1.26.8", versionString(info, true))
	assert.Equal(t, "bylaw (devel) go1.26.8", versionString(&debug.BuildInfo{GoVersion: "go1.26.8"}, true))
	assert.Equal(t, "bylaw (unknown build)", versionString(nil, false))
}

func TestBundleFlags(t *testing.T) {
	r := &recorder{}
	code, _, stderr := run(t, r, "bundle", "build", "dir", "--name", "platform", "--version", "42", "--expires", "720h")
	assert.Equal(t, 0, code, stderr)
	assert.Equal(t, &bundlecli.BuildOptions{Dir: "dir", Name: "platform", Version: 42, Expires: "720h"}, r.build)

	code, _, stderr = run(t, r, "bundle", "sign", "dir", "--key", "keys/release.key", "--signer", "release")
	assert.Equal(t, 0, code, stderr)
	assert.Equal(t, &bundlecli.SignOptions{Dir: "dir", KeyFile: "keys/release.key", Signer: "release"}, r.sign)

	code, _, stderr = run(t, r, "bundle", "verify", "dir", "--key", "release=r.pub", "--key", "s.pub",
		"--requires", "release,s", "--requires", "t", "--threshold", "2", "--min-version", "41", "--name", "platform")
	assert.Equal(t, 0, code, stderr)
	assert.Equal(t, &bundlecli.VerifyOptions{Dir: "dir", Keys: []string{"release=r.pub", "s.pub"},
		Requires: []string{"release", "s", "t"}, Threshold: 2, MinVersion: 41, Name: "platform"}, r.verify)
}

func TestBundleNeedsItsArguments(t *testing.T) {
	for name, args := range map[string][]string{
		"build without name":    {"bundle", "build", "dir", "--version", "1"},
		"build without version": {"bundle", "build", "dir", "--name", "p"},
		"build without folder":  {"bundle", "build", "--name", "p", "--version", "1"},
		"build bad version":     {"bundle", "build", "dir", "--name", "p", "--version", "one"},
		"sign without key":      {"bundle", "sign", "dir"},
		"sign two folders":      {"bundle", "sign", "a", "b", "--key", "k"},
		"verify without key":    {"bundle", "verify", "dir"},
		"unknown subcommand":    {"bundle", "publish", "dir"},
	} {
		t.Run(name, func(t *testing.T) {
			r := &recorder{}
			code, _, stderr := run(t, r, args...)
			assert.Equal(t, 2, code)
			assert.Contains(t, stderr, "error:")
			assert.Nil(t, r.build)
			assert.Nil(t, r.sign)
			assert.Nil(t, r.verify)
		})
	}
}

func TestBundleExitCodes(t *testing.T) {
	r := &recorder{code: 1, err: errors.New("bundle dir: DigestMismatch: a.yaml: sha256 x")}
	code, _, stderr := run(t, r, "bundle", "verify", "dir", "--key", "k.pub")
	assert.Equal(t, 1, code)
	assert.Equal(t, "error: bundle dir: DigestMismatch: a.yaml: sha256 x\n", stderr)
}
