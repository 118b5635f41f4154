package hash

import (
	"crypto/md5"  //nolint:gosec // Kyverno's md5() is a checksum, not a security control.
	"crypto/sha1" //nolint:gosec // Kyverno's sha1() is a checksum, not a security control.
	"crypto/sha256"
	"encoding/hex"
	gohash "hash"

	"github.com/google/cel-go/cel"
	"github.com/google/cel-go/common/types"
	"github.com/google/cel-go/common/types/ref"

	"github.com/bylaw-dev/bylaw/engine/cel/lib"
)

// Lib returns the hash library.
func Lib() cel.EnvOption { return cel.Lib(library{}) }

type library struct{}

// algorithms are the functions, with the length of their hexadecimal result.
func algorithms() []struct {
	name string
	new  func() gohash.Hash
	hex  uint64
} {
	return []struct {
		name string
		new  func() gohash.Hash
		hex  uint64
	}{
		{"sha1", sha1.New, 40},
		{"sha256", sha256.New, 64},
		{"md5", md5.New, 32},
	}
}

// LibraryName implements cel.Library.
func (library) LibraryName() string { return "kyverno.hash" }

// CompileOptions implements cel.Library.
func (library) CompileOptions() []cel.EnvOption {
	est, _ := costs()
	opts := []cel.EnvOption{est}
	for _, a := range algorithms() {
		fn := digest(a.name, a.new)
		for _, spelling := range []struct{ name, suffix string }{{a.name, "non_prefixed"}, {"hash." + a.name, "prefixed"}} {
			opts = append(opts, cel.Function(spelling.name, cel.Overload(a.name+"_string_"+spelling.suffix,
				[]*cel.Type{cel.StringType}, cel.StringType, cel.UnaryBinding(fn))))
		}
	}
	return opts
}

// ProgramOptions implements cel.Library.
func (library) ProgramOptions() []cel.ProgramOption {
	_, track := costs()
	return []cel.ProgramOption{track}
}

func costs() (cel.EnvOption, cel.ProgramOption) {
	var cs []lib.Cost
	for _, a := range algorithms() {
		for _, suffix := range []string{"non_prefixed", "prefixed"} {
			c := lib.Linear(lib.ByteFactor, lib.SizeAtMost(a.hex), 0)
			c.Overload = a.name + "_string_" + suffix
			cs = append(cs, c)
		}
	}
	return lib.Costs(cs...)
}

func digest(name string, newHash func() gohash.Hash) func(ref.Val) ref.Val {
	return func(arg ref.Val) ref.Val {
		s, errVal := lib.String(name, 0, arg)
		if errVal != nil {
			return errVal
		}
		h := newHash()
		h.Write([]byte(s))
		return types.String(hex.EncodeToString(h.Sum(nil)))
	}
}
