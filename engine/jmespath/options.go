package jmespath

import (
	"context"
	"math/rand/v2"
	"net"
	"time"
)

// Defaults used by New.
const (
	// DefaultMaxSteps bounds the number of AST nodes one Search may evaluate.
	DefaultMaxSteps = 1_000_000
	// DefaultRegistry is the registry image_normalize adds to short names.
	DefaultRegistry = "docker.io"
	// defaultRegexCacheSize bounds how many compiled regular expressions an
	// Interpreter keeps; patterns past it are compiled on each call.
	defaultRegexCacheSize = 512
	// defaultLookupTimeout bounds a DNS lookup made by is_external_url.
	defaultLookupTimeout = 5 * time.Second
)

// Resolver resolves a host name to its IP addresses (used by is_external_url).
type Resolver func(ctx context.Context, host string) ([]net.IP, error)

// Option configures an Interpreter.
type Option func(*settings)

type settings struct {
	clock            func() time.Time
	random           rand.Source
	resolver         Resolver
	defaultRegistry  string
	registryMutation bool
	maxSteps         int
	regexCacheSize   int
}

func defaultSettings() settings {
	return settings{
		clock:            time.Now,
		resolver:         systemResolver,
		defaultRegistry:  DefaultRegistry,
		registryMutation: true,
		maxSteps:         DefaultMaxSteps,
		regexCacheSize:   defaultRegexCacheSize,
	}
}

// WithClock sets the clock read by time_now, time_now_utc and time_since.
func WithClock(clock func() time.Time) Option {
	return func(s *settings) {
		if clock != nil {
			s.clock = clock
		}
	}
}

// WithRandom sets the source of random() (for deterministic tests). The
// Interpreter serialises calls to it, so any rand.Source may be used.
func WithRandom(source rand.Source) Option {
	return func(s *settings) { s.random = source }
}

// WithResolver sets the DNS resolver of is_external_url. A nil resolver makes
// is_external_url fail for host names (IP literals still work), which keeps
// evaluation free of network I/O.
func WithResolver(resolver Resolver) Option {
	return func(s *settings) { s.resolver = resolver }
}

// WithDefaultRegistry sets the registry that image_normalize gives to images
// without one, and whether it appears in the result (Kyverno's
// defaultRegistry and enableDefaultRegistryMutation settings).
func WithDefaultRegistry(registry string, mutate bool) Option {
	return func(s *settings) {
		if registry != "" {
			s.defaultRegistry = registry
		}
		s.registryMutation = mutate
	}
}

// WithMaxSteps bounds the AST nodes one Search may evaluate (each element of
// a projection counts); past it Search fails with ErrBudgetExceeded.
func WithMaxSteps(steps int) Option {
	return func(s *settings) {
		if steps > 0 {
			s.maxSteps = steps
		}
	}
}

func systemResolver(ctx context.Context, host string) ([]net.IP, error) {
	ctx, cancel := context.WithTimeout(ctx, defaultLookupTimeout)
	defer cancel()
	return net.DefaultResolver.LookupIP(ctx, "ip", host)
}
