package manifest

import (
	"testing"

	"github.com/stretchr/testify/assert"
	yaml "go.yaml.in/yaml/v3"
)

type scalarRow struct {
	in   string
	want any // ignored when bad
	bad  bool
}

// scalarRows are plain scalars and what the reference makes of them.
var scalarRows = []scalarRow{
	{in: "0", want: int64(0)},
	{in: "42", want: int64(42)},
	{in: "-17", want: int64(-17)},
	{in: "+5", want: int64(5)},
	{in: "1_000", want: int64(1000)},
	{in: "0x1F", want: int64(31)},
	{in: "0X1f", want: int64(31)},
	{in: "-0x10", want: int64(-16)},
	{in: "0o17", want: int64(15)},
	{in: "0O17", want: int64(15)},
	{in: "-0o17", want: int64(-15)},
	{in: "017", want: int64(15)},
	{in: "08", want: float64(8)},
	{in: "0b101", want: int64(5)},
	{in: "0b-101", want: "0b-101"},
	{in: "0o-17", want: int64(-15)},
	{in: "9223372036854775807", want: int64(9223372036854775807)},
	{in: "9223372036854775808", want: float64(9223372036854775808)},
	{in: "0xFFFFFFFFFFFFFFFF", want: "0xFFFFFFFFFFFFFFFF"},
	{in: "1.5", want: 1.5},
	{in: "1.", want: float64(1)},
	{in: ".5", want: 0.5},
	{in: "-.5", want: -0.5},
	{in: "1e3", want: float64(1000)},
	{in: "1E-2", want: 0.01},
	{in: "1_0.5", want: 10.5},
	{in: "1e400", want: "1e400"},
	{in: "1.20.3", want: "1.20.3"},
	{in: ".inf", bad: true},
	{in: "-.Inf", bad: true},
	{in: "+.INF", bad: true},
	{in: ".nan", bad: true},
	{in: "+.nan", want: "+.nan"},
	{in: ".infinity", want: ".infinity"},
	{in: "true", want: true},
	{in: "True", want: true},
	{in: "TRUE", want: true},
	{in: "false", want: false},
	{in: "tRUE", want: "tRUE"},
	{in: "yes", want: "yes"},
	{in: "on", want: "on"},
	{in: "off", want: "off"},
	{in: "y", want: "y"},
	{in: "n", want: "n"},
	{in: "~", want: nil},
	{in: "null", want: nil},
	{in: "Null", want: nil},
	{in: "NULL", want: nil},
	{in: "nULL", want: "nULL"},
	{in: "2001-12-14", want: "2001-12-14"},
	{in: "2001-12-14t21:59:43.10-05:00", want: "2001-12-14t21:59:43.10-05:00"},
	{in: "2001-12-14 21:59:43.10", want: "2001-12-14 21:59:43.10"},
	{in: "12:30:00", want: "12:30:00"},
	{in: "1Gi", want: "1Gi"},
	{in: "50m", want: "50m"},
	{in: "-c", want: "-c"},
	{in: "v1", want: "v1"},
	{in: "<<", want: "<<"},
	{in: "0x", want: "0x"},
	{in: "1e", want: "1e"},
	{in: "-", want: "-"},
	{in: "+", want: "+"},
	{in: ".", want: "."},
}

func TestResolvePlain(t *testing.T) {
	for _, row := range scalarRows {
		t.Run(row.in, func(t *testing.T) {
			got, ok := resolvePlain(row.in)
			ref, err := scalarValue(&yaml.Node{Kind: yaml.ScalarNode, Value: row.in})
			if row.bad {
				assert.False(t, ok)
				assert.Error(t, err, "the reference rejects it too")
				return
			}
			assert.True(t, ok)
			assert.Equal(t, row.want, got)
			assert.NoError(t, err)
			assert.Equal(t, row.want, ref, "the reference agrees")
		})
	}
}
