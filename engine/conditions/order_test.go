package conditions

import "testing"

func TestGreaterThan(t *testing.T) {
	runRows(t, GreaterThan, []row{
		{name: "ints", key: 10, value: 1, want: true},
		{name: "equal ints", key: 1, value: 1, want: false},
		{name: "float and float", key: 1.5, value: 1.0, want: true},
		{name: "float and int64", key: 1.5, value: int64(1), want: true},
		{name: "int64 and float", key: int64(1), value: 1.5, want: false},
		{name: "negatives", key: -5, value: -10, want: true},
		{name: "number string and int", key: "10", value: 1, want: true},
		{name: "int and number string", key: 100, value: "10", want: true},
		{name: "number strings compare as numbers", key: "100", value: "10", want: true},
		{name: "float string and int", key: "10.5", value: 10, want: true},
		{name: "int and text", key: 10, value: "ten", want: false},
		{name: "plain number and binary quantity", key: "1025", value: "1Ki", want: true},
		{name: "binary and plain quantity", key: "1Ki", value: "1023", want: true},
		{name: "gibibytes", key: "10Gi", value: "1Gi", want: true},
		{name: "smaller quantity", key: "1Gi", value: "10Gi", want: false},
		{name: "m suffix reads as minutes first", key: "200m", value: "100m", want: true},
		{name: "durations", key: "10h", value: "1h", want: true},
		{name: "hour and minutes", key: "1h", value: "30m", want: true},
		{name: "duration and seconds", key: "2h", value: 3600, want: true},
		{name: "equal duration and seconds", key: "1h", value: 3600, want: false},
		{name: "seconds and duration", key: 3600, value: "30m", want: true},
		{name: "time_since result", key: "26280h0m0s", value: "4380h", want: true},
		{name: "versions", key: "1.5.5", value: "1.5.0", want: true},
		{name: "versions compare numerically", key: "1.10.0", value: "1.9.0", want: true},
		{name: "prerelease is lower", key: "1.0.0-alpha", value: "1.0.0", want: false},
		{name: "v prefix is no version", key: "v1.2.3", value: "v1.0.0", want: false},
		{name: "version and number", key: "1.2.3", value: 1, want: false},
		{name: "quantity key and number value", key: "2Gi", value: 1, want: false},
		{name: "text does not order", key: "abd", value: "abc", want: false},
		{name: "empty key", key: "", value: 0, want: false},
		{name: "infinity text is a float", key: "inf", value: 5, want: true},
		{name: "NaN never compares", key: "NaN", value: 1, want: false},
		{name: "bool key", key: true, value: false, want: false},
		{name: "list key", key: list("a", "b"), value: "100", want: false},
		{name: "nil key", key: nil, value: 1, want: false},
	})
}

func TestGreaterThanOrEquals(t *testing.T) {
	runRows(t, GreaterThanOrEquals, []row{
		{name: "equal ints", key: 1, value: 1, want: true},
		{name: "float and int", key: 1.0, value: 1, want: true},
		{name: "smaller int", key: 1, value: 10, want: false},
		{name: "int and smaller number string", key: 1, value: "10", want: false},
		{name: "plain number and equal quantity", key: "1024", value: "1Ki", want: true},
		{name: "quantity and smaller", key: "1Gi", value: "1Mi", want: true},
		{name: "equal durations", key: "1h", value: "60m", want: true},
		{name: "duration and equal seconds", key: "1h", value: 3600, want: true},
		{name: "equal versions", key: "1.5.5", value: "1.5.5", want: true},
		{name: "smaller version", key: "1.5.0", value: "1.5.5", want: false},
		{name: "int64 and int", key: int64(10), value: 1, want: true},
		{name: "map key", key: obj("a", 1), value: 1, want: false},
	})
}

func TestLessThan(t *testing.T) {
	runRows(t, LessThan, []row{
		{name: "ints", key: 1, value: 10, want: true},
		{name: "equal floats", key: 1.0, value: 1.0, want: false},
		{name: "int and float", key: 1, value: 1.5, want: true},
		{name: "negative and positive", key: -5, value: 1, want: true},
		{name: "number string and int", key: "1", value: 10, want: true},
		{name: "number strings", key: "100", value: "10", want: false},
		{name: "mebibyte and gibibyte", key: "1Mi", value: "1Gi", want: true},
		{name: "millicores and a core", key: "100m", value: "1", want: true},
		{name: "plain number and kibibyte", key: "1023", value: "1Ki", want: true},
		{name: "minutes and seconds", key: "30m", value: 3600, want: true},
		{name: "seconds and equal duration", key: 3600, value: "1h", want: false},
		{name: "negative duration", key: "-1h", value: "0s", want: true},
		{name: "versions", key: "1.5.0", value: "1.5.5", want: true},
		{name: "version and text", key: "1.5.0", value: "latest", want: false},
		{name: "text", key: "latest", value: "1.0.0", want: false},
	})
}

func TestLessThanOrEquals(t *testing.T) {
	runRows(t, LessThanOrEquals, []row{
		{name: "equal ints", key: 1, value: 1, want: true},
		{name: "bigger int", key: 10, value: 1, want: false},
		{name: "int and number string", key: 1, value: "10", want: true},
		{name: "kibibyte and equal number", key: "1Ki", value: "1024", want: true},
		{name: "gibibyte and mebibyte", key: "1Gi", value: "1Mi", want: false},
		{name: "duration and seconds", key: "1h", value: 3600, want: true},
		{name: "bigger duration and seconds", key: "2h", value: int64(3600), want: false},
		{name: "equal versions", key: "1.5.5", value: "1.5.5", want: true},
		{name: "float and int64", key: 0.5, value: int64(1), want: true},
		{name: "string key and bool", key: "1", value: true, want: false},
	})
}
