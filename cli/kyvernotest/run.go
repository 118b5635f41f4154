package kyvernotest

import (
	"context"
	"fmt"
	"io"
	"runtime"
	"sort"
	"sync"

	"github.com/spf13/pflag"

	"github.com/bylaw-dev/bylaw/engine"
	"github.com/bylaw-dev/bylaw/manifest"
)

// Options are the settings of `bylaw test`.
type Options struct {
	// Paths are folders searched recursively for suite files, or suite files.
	Paths    []string
	FileName string
	// DetailedResults lists every row; otherwise only failed rows are listed.
	DetailedResults bool
	JSON            bool
	// FolderSummary prints pass/fail/skip counts per top-level folder under each path.
	FolderSummary bool
	// KyvernoScoring scores as Kyverno v1.19 does: rows expecting fail, and rows whose resource no rule selected,
	// pass whatever the actual result.
	KyvernoScoring bool
	// Limits bound every file read (test, values, user info, context, policy and resource files) and every document
	// decoded; zero fields take the defaults.
	Limits manifest.Limits
}

// BindFlags registers the options' flags.
func (o *Options) BindFlags(fs *pflag.FlagSet) {
	fs.StringVarP(&o.FileName, "file-name", "f", DefaultFileName, "name of the test files to look for")
	fs.BoolVar(&o.DetailedResults, "detailed-results", false, "list every row, not only failed ones")
	fs.BoolVar(&o.JSON, "json", false, "print the report as JSON")
	fs.BoolVar(&o.FolderSummary, "folder-summary", false, "print counts per top-level folder")
	fs.BoolVar(&o.KyvernoScoring, "kyverno-scoring", false,
		"score like Kyverno v1.19: rows expecting fail, and rows of resources no rule selected, always pass")
	BindLimitFlags(fs, &o.Limits)
}

// BindLimitFlags registers the flags of the input limits of the file commands.
func BindLimitFlags(fs *pflag.FlagSet, lim *manifest.Limits) {
	fs.Int64Var(&lim.MaxBytes, "max-file-bytes", manifest.DefaultMaxBytes,
		"largest input file (and YAML document) read, in bytes; larger ones are refused unread")
}

// Counts are the row counts of a test or of a run.
type Counts struct {
	Passed  int `json:"passed"`
	Failed  int `json:"failed"`
	Skipped int `json:"skipped"`
}

func (c *Counts) add(o Counts) {
	c.Passed += o.Passed
	c.Failed += o.Failed
	c.Skipped += o.Skipped
}

func countRows(rows []Row) Counts {
	var c Counts
	for _, r := range rows {
		switch r.Outcome {
		case OutcomePass:
			c.Passed++
		case OutcomeSkip:
			c.Skipped++
		default:
			c.Failed++
		}
	}
	return c
}

// TestReport is the scored result of one suite file.
type TestReport struct {
	Name     string   `json:"name"`
	Path     string   `json:"path"`
	Folder   string   `json:"folder"`
	Warnings []string `json:"warnings,omitempty"`
	Rows     []Row    `json:"rows"`
	Counts
}

// Report is the result of a run over many suite files.
type Report struct {
	Tests   []TestReport  `json:"tests"`
	Folders []FolderCount `json:"folders"`
	Counts
}

// FolderCount are the counts of the suites under one top-level folder.
type FolderCount struct {
	Folder string `json:"folder"`
	Counts
}

// RunSuites scores the suite files with e, GOMAXPROCS suites at a time, as o says (KyvernoScoring, Limits); the
// report keeps the order of found. When ctx is done no suite starts and the running ones stop between rows: the
// report is then incomplete.
func RunSuites(ctx context.Context, e *engine.Engine, found []Found, o Options) *Report {
	reports := make([]TestReport, len(found))
	next := make(chan int)
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), max(len(found), 1)) {
		wg.Go(func() {
			for i := range next {
				reports[i] = runSuite(ctx, e, found[i], o.Limits, scoring{kyverno: o.KyvernoScoring})
			}
		})
	}
dispatch:
	for i := range found {
		select {
		case next <- i:
		case <-ctx.Done():
			break dispatch
		}
	}
	close(next)
	wg.Wait()
	return summarize(reports)
}

// runSuite loads and scores one suite file.
func runSuite(ctx context.Context, e *engine.Engine, f Found, lim manifest.Limits, sc scoring) TestReport {
	rep := TestReport{Path: f.Path, Folder: f.Folder}
	t, err := readTest(lim, f.Path)
	if err != nil {
		rep.Rows = []Row{failed(Row{}, err.Error())}
		rep.Counts = countRows(rep.Rows)
		return rep
	}
	rep.Name = t.DisplayName()
	s := loadSuite(ctx, e, lim, f.Path, t)
	rep.Rows = append([]Row{}, s.score(ctx, sc)...)
	rep.Warnings = s.warnings
	rep.Counts = countRows(rep.Rows)
	return rep
}

func summarize(reports []TestReport) *Report {
	out := &Report{Tests: reports}
	index := map[string]int{}
	for _, t := range reports {
		out.add(t.Counts)
		i, ok := index[t.Folder]
		if !ok {
			i = len(out.Folders)
			index[t.Folder] = i
			out.Folders = append(out.Folders, FolderCount{Folder: t.Folder})
		}
		out.Folders[i].add(t.Counts)
	}
	sort.Slice(out.Folders, func(i, j int) bool { return out.Folders[i].Folder < out.Folders[j].Folder })
	return out
}

// Run runs `bylaw test`: it finds the suites, scores them and prints the report to stdout. The exit code is 1 when a
// row failed, 2 when no suite was found or the paths cannot be read.
func Run(ctx context.Context, o Options, stdout io.Writer) (int, error) {
	if o.FileName == "" {
		o.FileName = DefaultFileName
	}
	found, err := Discover(o.FileName, o.Paths...)
	if err != nil {
		return 2, err
	}
	if len(found) == 0 {
		return 2, fmt.Errorf("no %s found under %v", o.FileName, o.Paths)
	}
	report := RunSuites(ctx, engine.New(), found, o)
	if ctx.Err() != nil {
		return 2, fmt.Errorf("interrupted: %w", context.Cause(ctx))
	}
	if o.JSON {
		err = writeJSON(stdout, report)
	} else {
		err = writeText(stdout, report, o)
	}
	if err != nil {
		return 2, err
	}
	if report.Failed > 0 {
		return 1, nil
	}
	return 0, nil
}
