package main

import (
	"bufio"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/bylaw-dev/bylaw/tests/bench/podgen/gen"
)

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "podgen:", err)
		os.Exit(1)
	}
}

func run(args []string) error {
	fs := flag.NewFlagSet("podgen", flag.ContinueOnError)
	count := fs.Int("n", 1000, "number of Pods")
	seed := fs.Uint64("seed", 1, "random seed; equal seeds give equal output")
	ratio := fs.Float64("violations", gen.DefaultViolationRatio, "share of Pods that break one Pod Security control")
	dir := fs.String("o", ".", "output folder; the file written is DIR/pods.yaml")
	if err := fs.Parse(args); err != nil {
		return fmt.Errorf("parsing flags: %w", err)
	}
	if *count < 0 || *ratio < 0 || *ratio > 1 {
		return errors.New("-n must be >= 0 and -violations within [0, 1]")
	}
	pods := gen.Generate(gen.Options{Count: *count, Seed: *seed, ViolationRatio: *ratio})
	path := filepath.Join(*dir, "pods.yaml")
	if err := writeFile(path, pods); err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "podgen: wrote %d pods (%d violating) to %s\n", len(pods), gen.CountViolating(pods), path)
	return nil
}

func writeFile(path string, pods []gen.Pod) (err error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return fmt.Errorf("creating output folder: %w", err)
	}
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("creating %s: %w", path, err)
	}
	defer func() {
		if cerr := f.Close(); cerr != nil && err == nil {
			err = fmt.Errorf("closing %s: %w", path, cerr)
		}
	}()
	w := bufio.NewWriter(f)
	if err := gen.WriteYAML(w, pods); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	if err := w.Flush(); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	return nil
}
