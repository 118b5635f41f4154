package cli

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"testing"
)

// bylaw is the binary built by TestMain.
var bylaw string

func TestMain(m *testing.M) {
	os.Exit(run(m))
}

func run(m *testing.M) int {
	dir, err := os.MkdirTemp("", "bylaw-cli")
	if err != nil {
		fmt.Fprintf(os.Stderr, "cli: %v\n", err)
		return 1
	}
	defer os.RemoveAll(dir)
	bylaw = filepath.Join(dir, "bylaw")
	build := exec.Command("go", "build", "-o", bylaw, "./cmd/bylaw")
	build.Dir = repoRoot()
	if out, err := build.CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "cli: building bylaw: %v\n%s", err, out)
		return 1
	}
	return m.Run()
}

func repoRoot() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..")
}
