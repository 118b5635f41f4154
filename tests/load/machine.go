package main

import (
	"fmt"
	"os"
	"runtime"
	"strings"
)

// machineLine is "load: machine <cores> cores, load average <1> <5> <15>" from /proc/loadavg.
func machineLine() string {
	data, err := os.ReadFile("/proc/loadavg")
	return formatMachine(runtime.NumCPU(), string(data), err)
}

func formatMachine(cores int, loadavg string, err error) string {
	f := strings.Fields(loadavg)
	if err != nil || len(f) < 3 {
		return fmt.Sprintf("load: machine %d cores, load average unknown", cores)
	}
	return fmt.Sprintf("load: machine %d cores, load average %s %s %s", cores, f[0], f[1], f[2])
}

// fileSafe maps characters other than letters, digits, '-', '.' and '_' to '_'.
func fileSafe(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '-', r == '.', r == '_':
			return r
		}
		return '_'
	}, s)
}
