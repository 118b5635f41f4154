package conditions

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseOperator(t *testing.T) {
	tests := []struct {
		in      string
		want    Operator
		wantErr bool
	}{
		{in: "Equals", want: Equals},
		{in: "equals", want: Equals},
		{in: "EQUALS", want: Equals},
		{in: "Equal", want: Equal},
		{in: "NotEqual", want: NotEqual},
		{in: "NotEquals", want: NotEquals},
		{in: "In", want: In},
		{in: "anyin", want: AnyIn},
		{in: "AllNotIn", want: AllNotIn},
		{in: "NotIn", want: NotIn},
		{in: "GreaterThanOrEquals", want: GreaterThanOrEquals},
		{in: "lessthan", want: LessThan},
		{in: "DurationLessThanOrEquals", want: DurationLessThanOrEquals},
		{in: "", wantErr: true},
		{in: "Exists", wantErr: true},
		{in: "Equals ", wantErr: true},
		{in: "GreaterThanOrEqual", wantErr: true},
		{in: "Lt", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseOperator(tt.in)
			if tt.wantErr {
				require.ErrorIs(t, err, ErrUnknownOperator)
				assert.Contains(t, err.Error(), `"`+tt.in+`"`)
				assert.Contains(t, err.Error(), "AnyNotIn")
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestParseOperatorAcceptsEveryOperator(t *testing.T) {
	ops := Operators()
	assert.Len(t, ops, 18)
	for _, op := range ops {
		got, err := ParseOperator(string(op))
		require.NoError(t, err)
		assert.Equal(t, op, got)
		_, err = Evaluate(op, "a", "a")
		assert.NoError(t, err, "%s", op)
	}
}

func TestDeprecated(t *testing.T) {
	deprecated := map[Operator]bool{
		In: true, NotIn: true, DurationGreaterThan: true, DurationGreaterThanOrEquals: true,
		DurationLessThan: true, DurationLessThanOrEquals: true,
	}
	for _, op := range Operators() {
		assert.Equal(t, deprecated[op], op.Deprecated(), "%s", op)
	}
}

func TestEvaluateOperatorName(t *testing.T) {
	got, err := Evaluate("anyin", "b", list("a", "b"))
	require.NoError(t, err)
	assert.True(t, got, "a case-insensitive name is accepted")

	got, err = Evaluate("Matches", "a", "a")
	require.ErrorIs(t, err, ErrUnknownOperator)
	assert.False(t, got)
}
