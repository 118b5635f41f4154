package apply

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"

	"github.com/spf13/pflag"

	"github.com/bylaw-dev/bylaw/cli/kyvernotest"
	"github.com/bylaw-dev/bylaw/engine"
	"github.com/bylaw-dev/bylaw/manifest"
	"github.com/bylaw-dev/bylaw/policy"
)

// Output formats.
const (
	FormatTable = "table"
	FormatJSON  = "json"
	FormatYAML  = "yaml"
	FormatJUnit = "junit"
)

var formats = []string{FormatTable, FormatJSON, FormatYAML, FormatJUnit}

// Exit codes of Run.
const (
	ExitOK       = 0
	ExitEnforced = 1 // a rule of an Enforce policy failed
	ExitNoInput  = 2 // nothing could be loaded, or the options are wrong
)

// Options are the settings of `bylaw apply`.
type Options struct {
	// PolicyPaths are policy files or folders (the command's arguments).
	PolicyPaths   []string
	ResourcePaths []string
	// JSONPaths are files or folders of JSON or YAML payloads (any mapping, not only Kubernetes objects), evaluated by
	// the ValidatingPolicies with evaluation.mode JSON.
	JSONPaths []string
	// ValuesFile is a Values file (cli.kyverno.io/v1alpha1) giving values for variables and namespace labels.
	ValuesFile string
	// UserInfoFile is a UserInfo file (cli.kyverno.io/v1alpha1) giving the requesting user.
	UserInfoFile string
	// Set are `--set` arguments: key=value pairs (several per argument, comma-separated) setting a variable for every
	// policy and resource, as the values file's globalValues do; they win over the values file.
	Set    []string
	Output string
	// OutputDir, when set, is a folder that receives every patched resource and every generated object as YAML.
	OutputDir string
	// Workers is the number of resources evaluated at once; 0 means GOMAXPROCS.
	Workers int
	// Limits bound every file read (policy, resource, values and user info files) and every document decoded; zero
	// fields take the defaults.
	Limits manifest.Limits
}

// BindFlags registers the options' flags.
func (o *Options) BindFlags(fs *pflag.FlagSet) {
	fs.StringSliceVarP(&o.ResourcePaths, "resource", "r", nil, "resource files or folders (repeatable, or comma-separated)")
	fs.StringSliceVar(&o.JSONPaths, "json", nil,
		"JSON or YAML payload files or folders, for ValidatingPolicies with evaluation.mode JSON (repeatable)")
	fs.StringVar(&o.ValuesFile, "values", "", "Values file with values for variables and namespace labels")
	fs.StringVarP(&o.UserInfoFile, "userinfo", "u", "", "UserInfo file with the requesting user and roles")
	fs.StringArrayVarP(&o.Set, "set", "s", nil,
		"set a variable for every policy and resource: key=value (repeatable, or comma-separated); wins over --values")
	fs.StringVar(&o.OutputDir, "output-dir", "", "folder to write patched resources and generated objects to, as YAML")
	fs.StringVarP(&o.Output, "output", "o", FormatTable, "output format: table, json, yaml or junit")
	kyvernotest.BindLimitFlags(fs, &o.Limits)
}

// Run evaluates the policies on the resources and writes the results to stdout, and the patched and generated
// objects to o.OutputDir when set; load errors go to stderr and the rest still runs. It returns the exit code (see
// ExitOK and the others) and, for exit code 2, the reason (also when the output folder cannot be written). When ctx is
// done it stops loading or evaluating and returns exit code 2 with the context's cause, writing nothing.
func Run(ctx context.Context, o Options, stdout, stderr io.Writer) (int, error) {
	if o.Output == "" {
		o.Output = FormatTable
	}
	if !slices.Contains(formats, o.Output) {
		return ExitNoInput, fmt.Errorf("unknown output format %q (want one of %v)", o.Output, formats)
	}
	e := engine.New()
	in, err := load(ctx, e, o, stderr)
	if err != nil {
		return ExitNoInput, err
	}
	results := evaluate(ctx, in.evaluator, in.policies, in.objects, o.Workers)
	if ctx.Err() != nil {
		return ExitNoInput, interrupted(ctx)
	}
	rep := newReport(in.policies, in.objects, results)
	evaluatePayloads(ctx, in, rep)
	if err := write(stdout, o.Output, rep); err != nil {
		return ExitNoInput, err
	}
	if o.OutputDir != "" {
		if err := writeOutputDir(o.OutputDir, rep.Changes, stderr); err != nil {
			return ExitNoInput, err
		}
	}
	if rep.blocked {
		return ExitEnforced, nil
	}
	return ExitOK, nil
}

// inputs is what Run loaded.
type inputs struct {
	policies  []*engine.Policy
	objects   []map[string]any
	payloads  []payload
	evaluator *kyvernotest.Evaluator
}

// load reads policies, resources, values and user info. Policy and resource problems are printed and skipped;
// unreadable values or user info files, or nothing to evaluate, are errors.
func load(ctx context.Context, e *engine.Engine, o Options, stderr io.Writer) (*inputs, error) {
	setValues, err := kyvernotest.ParseSetValues(o.Set)
	if err != nil {
		return nil, err
	}
	loader := policy.NewLoader(e)
	loader.Limits = o.Limits
	set := loader.LoadPaths(ctx, o.PolicyPaths...)
	if ctx.Err() != nil {
		return nil, interrupted(ctx)
	}
	for _, le := range set.Errors {
		if errors.Is(le, policy.ErrUnsupportedKind) {
			fmt.Fprintf(stderr, "skipped: policy %v\n", le)
			continue
		}
		fmt.Fprintf(stderr, "error: policy %v\n", le)
	}
	objects, errs := policy.LoadResources(ctx, o.Limits, o.ResourcePaths...)
	if ctx.Err() != nil {
		return nil, interrupted(ctx)
	}
	for _, err := range errs {
		fmt.Fprintf(stderr, "error: resource %v\n", err)
	}
	for _, obj := range objects {
		kyvernotest.DefaultNamespace(obj)
	}
	payloads := loadPayloads(ctx, o.Limits, o.JSONPaths, stderr)
	if len(set.Policies) == 0 || len(objects)+len(payloads) == 0 {
		return nil, fmt.Errorf("nothing to evaluate: %d policies, %d resources and %d JSON payloads loaded",
			len(set.Policies), len(objects), len(payloads))
	}
	ev := &kyvernotest.Evaluator{Engine: e, Exceptions: set.Exceptions, Loader: kyvernotest.NewContextLoader(objects, nil)}
	if o.ValuesFile != "" {
		if ev.Values, err = kyvernotest.LoadValues(o.Limits, o.ValuesFile); err != nil {
			return nil, fmt.Errorf("values: %w", err)
		}
	}
	ev.Values = ev.Values.WithGlobalValues(setValues)
	if o.UserInfoFile != "" {
		user, err := kyvernotest.LoadUserInfo(o.Limits, o.UserInfoFile)
		if err != nil {
			return nil, fmt.Errorf("user info: %w", err)
		}
		ev.User = user.ToEngineUserInfo()
	}
	return &inputs{policies: set.Policies, objects: objects, payloads: payloads, evaluator: ev}, nil
}

// interrupted is the error of a run stopped by ctx (a signal).
func interrupted(ctx context.Context) error {
	return fmt.Errorf("interrupted: %w", context.Cause(ctx))
}

// ErrUnknownFormat is returned by write for an output format it does not know.
var ErrUnknownFormat = errors.New("unknown output format")

func write(w io.Writer, format string, rep *report) error {
	switch format {
	case FormatTable:
		return writeTable(w, rep)
	case FormatJSON:
		return writeJSON(w, rep)
	case FormatYAML:
		return writeYAML(w, rep)
	case FormatJUnit:
		return writeJUnit(w, rep)
	}
	return fmt.Errorf("%q: %w", format, ErrUnknownFormat)
}
