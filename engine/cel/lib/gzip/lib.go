package gzip

import (
	"bytes"
	gogzip "compress/gzip"
	"fmt"
	"io"
	"time"

	"github.com/google/cel-go/cel"
	"github.com/google/cel-go/common/types"
	"github.com/google/cel-go/common/types/ref"

	"github.com/bylaw-dev/bylaw/engine/cel/lib"
)

// MaxOutput bounds the bytes one decompression may produce.
const MaxOutput = 10 << 20

const (
	overloadDecompress = "gzip_decompress_bytes"
	overloadCompress   = "gzip_compress_string"
)

// Lib returns the gzip library.
func Lib() cel.EnvOption { return cel.Lib(library{}) }

type library struct{}

// LibraryName implements cel.Library.
func (library) LibraryName() string { return "kyverno.gzip" }

// CompileOptions implements cel.Library.
func (library) CompileOptions() []cel.EnvOption {
	est, _ := costs()
	return []cel.EnvOption{est,
		cel.Function("gzip.decompress", cel.Overload(overloadDecompress, []*cel.Type{cel.BytesType}, cel.StringType,
			cel.UnaryBinding(decompress))),
		cel.Function("gzip.compress", cel.Overload(overloadCompress, []*cel.Type{cel.StringType}, cel.BytesType,
			cel.UnaryBinding(compress))),
	}
}

// ProgramOptions implements cel.Library.
func (library) ProgramOptions() []cel.ProgramOption {
	_, track := costs()
	return []cel.ProgramOption{track}
}

func costs() (cel.EnvOption, cel.ProgramOption) {
	d := lib.ResultLinear(lib.ByteFactor, 0)
	d.Overload = overloadDecompress
	c := lib.ResultLinear(lib.ByteFactor, 0)
	c.Overload = overloadCompress
	return lib.Costs(d, c)
}

// Decompress returns the decompressed data, or an error past MaxOutput bytes.
func Decompress(data []byte) ([]byte, error) {
	r, err := gogzip.NewReader(bytes.NewReader(data))
	if err != nil {
		return nil, err
	}
	defer r.Close() //nolint:errcheck // reading from memory
	out, err := io.ReadAll(io.LimitReader(r, MaxOutput+1))
	if err != nil {
		return nil, err
	}
	if len(out) > MaxOutput {
		return nil, fmt.Errorf("the decompressed data exceeds %d bytes", MaxOutput)
	}
	return out, nil
}

func decompress(arg ref.Val) ref.Val {
	data, ok := arg.(types.Bytes)
	if !ok {
		return types.NewErr("gzip.decompress: expected bytes, got %s", arg.Type().TypeName())
	}
	out, err := Decompress(data)
	if err != nil {
		return types.NewErr("gzip.decompress: %v", err)
	}
	return types.String(out)
}

func compress(arg ref.Val) ref.Val {
	s, errVal := lib.String("gzip.compress", 0, arg)
	if errVal != nil {
		return errVal
	}
	var buf bytes.Buffer
	w := gogzip.NewWriter(&buf)
	w.ModTime = time.Unix(0, 0)
	if _, err := w.Write([]byte(s)); err != nil {
		return types.NewErr("gzip.compress: %v", err)
	}
	if err := w.Close(); err != nil {
		return types.NewErr("gzip.compress: %v", err)
	}
	return types.Bytes(buf.Bytes())
}
