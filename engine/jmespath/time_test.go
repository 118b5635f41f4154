package jmespath

import (
	"testing"
)

func TestTimeFunctions(t *testing.T) {
	runCases(t, testInterpreter(), []fnCase{
		{name: "time_now", expr: "time_now()", want: "2023-01-12T17:37:00Z"},
		{name: "time_now_utc", expr: "time_now_utc()", want: "2023-01-12T17:37:00Z"},
		{name: "time_since rfc3339", expr: "time_since('', '2022-04-10T03:14:05-07:00', '2022-04-11T03:14:05-07:00')", want: "24h0m0s"},
		{name: "time_since layout", expr: "time_since('Mon Jan _2 15:04:05 MST 2006', 'Mon Jan 02 15:04:05 MST 2021', 'Mon Jan 10 03:14:16 MST 2021')",
			want: "180h10m11s"},
		{name: "time_since helm layout", expr: "time_since('2006-Jan-02', '2020-Jan-14', '2020-Jan-17')", want: "72h0m0s"},
		{name: "time_since now", expr: "time_since('', '2023-01-12T16:37:00Z', '')", want: "1h0m0s"},
		{name: "time_since bad time", expr: "time_since('', 'yesterday', '')", wantErr: "JMESPath function 'time_since': parsing time"},
		{name: "time_add", expr: "time_add('2023-01-12T12:37:56-05:00', '6h')", want: "2023-01-12T18:37:56-05:00"},
		{name: "time_add to cron", expr: "time_add(time_now_utc(), '4h') | time_to_cron(@)", want: "37 21 12 1 4"},
		{name: "time_add bad duration", expr: "time_add('2023-01-12T12:37:56Z', '6 hours')", wantErr: "JMESPath function 'time_add': time: unknown unit"},
		{name: "time_parse layout", expr: "time_parse('Mon Jan 02 2006 15:04:05 -0700', 'Fri Jun 22 2022 17:45:00 +0100')", want: "2022-06-22T17:45:00+01:00"},
		{name: "time_parse rfc3339", expr: "time_parse('2006-01-02T15:04:05Z07:00', '2021-01-02T15:04:05-07:00')", want: "2021-01-02T15:04:05-07:00"},
		{name: "time_parse epoch", expr: "time_parse('1702691171', '1702691171')", want: "2023-12-16T01:46:11Z"},
		{name: "time_parse bad epoch", expr: "time_parse('1702691171', 'soon')", wantErr: "JMESPath function 'time_parse'"},
		{name: "time_to_cron", expr: "time_to_cron('2022-04-11T03:14:05-07:00')", want: "14 3 11 4 1"},
		{name: "time_to_cron bad", expr: "time_to_cron('2022-04-11')", wantErr: "JMESPath function 'time_to_cron'"},
		{name: "time_utc", expr: "time_utc('2021-01-02T18:04:05-05:00')", want: "2021-01-02T23:04:05Z"},
		{name: "time_utc half hour", expr: "time_utc('2021-01-02T02:04:05+08:30')", want: "2021-01-01T17:34:05Z"},
		{name: "time_utc type error", expr: "time_utc(`1`)", wantErr: "invalid type"},
		{name: "time_diff", expr: "time_diff('2023-01-10T00:00:00Z', '2023-01-11T00:00:00Z')", want: "24h0m0s"},
		{name: "time_diff negative", expr: "time_diff('2023-01-12T00:00:00Z', '2023-01-11T00:00:00Z')", want: "-24h0m0s"},
		{name: "time_diff bad", expr: "time_diff('x', '2023-01-11T00:00:00Z')", wantErr: "JMESPath function 'time_diff'"},
		{name: "time_before", expr: "time_before('2023-01-12T19:05:59Z', '2023-01-13T19:05:59Z')", want: true},
		{name: "time_before not", expr: "time_before('2023-01-12T19:05:59Z', '2023-01-11T19:05:59Z')", want: false},
		{name: "time_before bad", expr: "time_before('2023-01-12', '2023-01-11T19:05:59Z')", wantErr: "JMESPath function 'time_before'"},
		{name: "time_after", expr: "time_after('2023-01-12T14:07:55-05:00', '2023-01-12T19:05:59Z')", want: true},
		{name: "time_after not", expr: "time_after('2023-01-12T19:05:59Z', '2023-01-13T19:05:59Z')", want: false},
		{name: "time_after bad", expr: "time_after('2023-01-12T19:05:59Z', 'later')", wantErr: "JMESPath function 'time_after'"},
		{name: "time_between", expr: "time_between('2023-01-12T19:05:59Z', '2023-01-01T19:05:59Z', '2023-01-15T19:05:59Z')", want: true},
		{name: "time_between outside", expr: "time_between('2023-01-12T19:05:59Z', '2023-01-01T19:05:59Z', '2023-01-11T19:05:59Z')", want: false},
		{name: "time_between bad", expr: "time_between('2023-01-12T19:05:59Z', '2023-01-01T19:05:59Z', `1`)", wantErr: "invalid type"},
		{name: "time_truncate hour", expr: "time_truncate('2023-01-12T17:37:00Z', '1h')", want: "2023-01-12T17:00:00Z"},
		{name: "time_truncate two hours", expr: "time_truncate('2023-01-12T17:37:00Z', '2h')", want: "2023-01-12T16:00:00Z"},
		{name: "time_truncate bad duration", expr: "time_truncate('2023-01-12T17:37:00Z', 'h')", wantErr: "JMESPath function 'time_truncate'"},
	})
}
