package jmespath

import (
	"testing"
)

func TestArithmeticFunctions(t *testing.T) {
	runCases(t, testInterpreter(), []fnCase{
		{name: "add scalars", expr: "add(`12`, `13`)", want: 25.0},
		{name: "add int64 data", expr: "add(a, b)", data: map[string]any{"a": int64(2), "b": 3}, want: 5.0},
		{name: "add quantities", expr: "add('12Ki', '13Ki')", want: "25Ki"},
		{name: "add quantity and bare quantity", expr: "add('12Ki', '13')", want: "12301"},
		{name: "add durations", expr: "add('12s', '13s')", want: "25s"},
		{name: "add ambiguous as duration", expr: "add('1h', '1m')", want: "1h1m0s"},
		{name: "add ambiguous as quantity", expr: "add('1m', '1m')", want: "2m"},
		{name: "add scalar quantity", expr: "add(`12`, '13Ki')", wantErr: "JMESPath function 'add': Types mismatch"},
		{name: "add quantity duration", expr: "add('12Ki', '13s')", wantErr: "Types mismatch"},
		{name: "add duration scalar", expr: "add('12s', `13`)", wantErr: "Types mismatch"},
		{name: "add invalid operand", expr: "add('abc', `1`)", wantErr: "JMESPath function 'add': invalid operand"},
		{name: "add object operand", expr: "add(`{}`, `1`)", wantErr: "invalid operand"},

		{name: "subtract scalars", expr: "subtract(`12`, `13`)", want: -1.0},
		{name: "subtract quantities", expr: "subtract('12Ki', '13Ki')", want: "-1Ki"},
		{name: "subtract mixed quantities", expr: "subtract('10Mi', '5Ki')", want: "10235Ki"},
		{name: "subtract durations", expr: "subtract('12s', '13s')", want: "-1s"},
		{name: "subtract mismatch", expr: "subtract('12Ki', `13`)", wantErr: "JMESPath function 'subtract': Types mismatch"},

		{name: "multiply scalars", expr: "multiply(`2.5`, `2.5`)", want: 6.25},
		{name: "multiply quantity", expr: "multiply('12Ki', `2`)", want: "24Ki"},
		{name: "multiply scalar quantity", expr: "multiply(`2.5`, '12Ki')", want: "30Ki"},
		{name: "multiply bare quantity", expr: "multiply(`2.5`, '12')", want: "30"},
		{name: "multiply duration", expr: "multiply('12s', `2`)", want: "24s"},
		{name: "multiply scalar duration", expr: "multiply(`2.5`, '40s')", want: "1m40s"},
		{name: "multiply quantities", expr: "multiply('12Ki', '12Ki')", wantErr: "JMESPath function 'multiply': Types mismatch"},
		{name: "multiply durations", expr: "multiply('12s', '12s')", wantErr: "Types mismatch"},

		{name: "divide scalars", expr: "divide(`14`, `3`)", want: 4.666666666666667},
		{name: "divide quantities", expr: "divide('10Mi', '5Ki')", want: 2048.0},
		{name: "divide bare quantities", expr: "divide('12Ki', '200')", want: 61.44},
		{name: "divide quantity by scalar", expr: "divide('12Ki', `3`)", want: "4Ki"},
		{name: "divide duration by scalar", expr: "divide('12s', `3`)", want: "4s"},
		{name: "divide durations", expr: "divide('12s', '5s')", want: 2.4},
		{name: "divide limits by requests", expr: "divide('{{limits}}', '{{requests}}')", wantErr: "invalid operand"},
		{name: "divide scalar by quantity", expr: "divide(`14`, '5Ki')", wantErr: "Types mismatch"},
		{name: "divide by zero", expr: "divide(`14`, `0`)", wantErr: "JMESPath function 'divide': Zero divisor passed"},
		{name: "divide quantity by zero", expr: "divide('4Ki', '0Ki')", wantErr: "Zero divisor passed"},
		{name: "divide duration by zero", expr: "divide('4s', '0s')", wantErr: "Zero divisor passed"},
		{name: "divide quantity by zero scalar", expr: "divide('4Ki', `0`)", wantErr: "Zero divisor passed"},

		{name: "modulo scalars", expr: "modulo(`13`, `5`)", want: 3.0},
		{name: "modulo quantities", expr: "modulo('12Ki', '5Ki')", want: "2Ki"},
		{name: "modulo durations", expr: "modulo('13s', '2s')", want: "1s"},
		{name: "modulo non integer", expr: "modulo(`14`, `1.5`)", wantErr: "JMESPath function 'modulo': Non-integer argument(s) passed for modulo"},
		{name: "modulo non integer quantity", expr: "modulo('4.5', '1')", wantErr: "Non-integer argument(s) passed for modulo"},
		{name: "modulo by zero", expr: "modulo(`14`, `0`)", wantErr: "Zero divisor passed"},
		{name: "modulo mismatch", expr: "modulo('13s', `2`)", wantErr: "Types mismatch"},

		{name: "sum numbers", expr: "sum(input)", data: map[string]any{"input": []any{6, int64(3), 8.0}}, want: 17.0},
		{name: "sum quantities", expr: "sum(['2Ki', '5Gi', '8Mi'])", want: "5251074Ki"},
		{name: "sum durations", expr: "sum(['2h', '50s', '90s'])", want: "2h2m20s"},
		{name: "sum one", expr: "sum(['12Ki'])", want: "12Ki"},
		{name: "sum empty", expr: "sum(`[]`)", wantErr: "JMESPath function 'sum': at least one element in the array is required"},
		{name: "sum mixed", expr: "sum(['12s', `13`])", wantErr: "JMESPath function 'sum': Types mismatch"},

		{name: "round", expr: "round(`10.125`, `2`)", want: 10.13},
		{name: "round int64 data", expr: "round(v, `0`)", data: map[string]any{"v": int64(7)}, want: 7.0},
		{name: "round fraction places", expr: "round(`10.125`, `1.5`)", wantErr: "Non-integer argument(s) passed for round off"},
		{name: "round negative places", expr: "round(`10.125`, `-1`)", wantErr: "must not be negative"},
		{name: "round type error", expr: "round('1', `1`)", wantErr: "invalid type"},
	})
}
