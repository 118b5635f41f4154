package conditions

import (
	"testing"
)

var ips = list("1.1.1.1", "2.2.2.2", "3.3.3.3")

func TestAnyIn(t *testing.T) {
	runRows(t, AnyIn, []row{
		{name: "same string", key: "kyverno", value: "kyverno", want: true},
		{name: "wildcard member", key: "kube-system", value: list("default", "kube-*"), want: true},
		{name: "different string", key: "kyverno", value: "default", want: false},
		{name: "int and numeric string", key: 64, value: "64", want: true},
		{name: "int in number list", key: 1, value: list(1, 2, 3), want: true},
		{name: "float64 one is text 1", key: 1.0, value: list("1", "2"), want: true},
		{name: "float in float list", key: 2.2, value: list(1.1, 2.2, 3.3), want: true},
		{name: "float and float text", key: 3.14, value: "3.14", want: true},
		{name: "bool and bool text", key: true, value: "true", want: true},
		{name: "list key and wildcard value", key: list("kube-system", "kube-public"), value: "kube-*", want: true},
		{name: "list key partly equal", key: list("kube-system", "default"), value: "kube-system", want: true},
		{name: "list key none match", key: list("default", "kyverno"), value: "kube-*", want: false},
		{name: "lists with wildcard members", key: list("default", "kyverno"), value: list("kube-*", "ky*"), want: true},
		{name: "wildcard in key", key: list("1*"), value: ips, want: true},
		{name: "empty list key", key: []any{}, value: list("default"), want: false},
		{name: "empty string key", key: "", value: list("default", "kyverno"), want: false},
		{name: "empty string member", key: "", value: list("", "apps"), want: true},
		{name: "scalar in range", key: "5", value: "1-10", want: true},
		{name: "int in range", key: 5, value: "1-10", want: true},
		{name: "below range", key: "0", value: "1-10", want: false},
		{name: "list key one in range", key: list("0", "5"), value: "1-10", want: true},
		{name: "list key none in range", key: list(1, 5), value: "7-10", want: false},
		{name: "fractional range", key: list(1.002, 1.222), value: "1.001-10", want: true},
		{name: "quantity range", key: "250Mi", value: "128Mi-1Gi", want: true},
		{name: "duration range", key: "90m", value: "1h-2h", want: true},
		{name: "JSON array text", key: "apple", value: `["apple", "banana"]`, want: true},
		{name: "not in JSON array text", key: "cherry", value: `["apple", "banana"]`, want: false},
		{name: "list key and JSON array text", key: list("apple", "cherry"), value: `["apple", "banana"]`, want: true},
		{name: "JSON array of numbers is invalid", key: "1", value: "[1,2]", want: false},
		{name: "plain text value", key: "self-provisioner", value: "self-provisioners", want: false},
		{name: "number value and scalar key", key: "0", value: 0, want: false},
		{name: "number value and list key", key: list(1, 2, 3), value: 2, want: true},
		{name: "bool value and list key", key: list(false, true), value: true, want: true},
		{name: "nested list member as text", key: list(list("a")), value: "[a]", want: true},
		{name: "map key", key: obj("foo", "bar"), value: "test", want: false},
		{name: "map value", key: "a", value: obj("a", "a"), want: false},
		{name: "nil key", key: nil, value: list("a"), want: false},
	})
}

func TestAllIn(t *testing.T) {
	runRows(t, AllIn, []row{
		{name: "subset", key: list("1.1.1.1", "2.2.2.2"), value: ips, want: true},
		{name: "one missing", key: list("1.1.1.1", "5.5.5.5"), value: ips, want: false},
		{name: "numbers subset", key: list(1, 2), value: list(1, 2, 3, 4), want: true},
		{name: "wildcard key", key: list("1*"), value: ips, want: true},
		{name: "wildcard member", key: list("2.1.1.1", "2.2.2.2", "2.5.5.5"), value: list("2*"), want: true},
		{name: "list key and one string", key: list("1.1.1.1", "5.5.5.5"), value: "5.5.5.5", want: false},
		{name: "single-element list and same string", key: list("x"), value: "x", want: true},
		{name: "int in range", key: 5, value: "1-10", want: true},
		{name: "all in range", key: list(3, 2), value: "1-10", want: true},
		{name: "not all in range", key: list(3, 6), value: "5-10", want: false},
		{name: "empty list key", key: []any{}, value: ips, want: true},
		{name: "scalar key", key: "a", value: "a", want: true},
		{name: "number value and list key", key: list(1), value: 1, want: false},
		{name: "JSON array text", key: list("a", "b"), value: `["a","b","c"]`, want: true},
		{name: "nil value", key: list("a"), value: nil, want: false},
	})
}

func TestAnyNotIn(t *testing.T) {
	runRows(t, AnyNotIn, []row{
		{name: "same string", key: "kyverno", value: "kyverno", want: false},
		{name: "wildcard member", key: "kube-system", value: list("default", "kube-*"), want: false},
		{name: "different string", key: "kyverno", value: "default", want: true},
		{name: "int and numeric string", key: 64, value: "64", want: false},
		{name: "list key partly in", key: list("kube-system", "default"), value: "kube-system", want: true},
		{name: "number value", key: list(1, 2, 3), value: 2, want: true},
		{name: "float value", key: list(1.1, 2.2, 3.3), value: 4.4, want: true},
		{name: "bool value", key: list(true), value: false, want: true},
		{name: "wildcard key", key: list("2.2*"), value: list("2.2.2.2"), want: false},
		{name: "empty list key", key: []any{}, value: list("default"), want: false},
		{name: "empty string key", key: "", value: list("default", "kyverno"), want: true},
		{name: "scalar out of range", key: "5", value: "1-3", want: true},
		{name: "list key one out of range", key: list(1, 5, 11), value: "0-10", want: true},
		{name: "list key all in range", key: list(1, 5, 7), value: "0-10", want: false},
		{name: "text list key and range", key: list("abc"), value: "1-10", want: false},
		{name: "text scalar key and range", key: "abc", value: "1-10", want: true},
		{name: "JSON array text holds key", key: "high", value: `["high","medium","low"]`, want: false},
		{name: "plain text value", key: "", value: "foo", want: true},
		{name: "JSON scalar text is invalid", key: "5", value: "6", want: false},
		{name: "nil key", key: nil, value: list("a"), want: false},
		{name: "nil value", key: "a", value: nil, want: false},
	})
}

func TestAllNotIn(t *testing.T) {
	runRows(t, AllNotIn, []row{
		{name: "same string", key: "kyverno", value: "kyverno", want: false},
		{name: "different string", key: "kyverno", value: "default", want: true},
		{name: "one key in", key: list("1.1.1.1", "4.4.4.4"), value: ips, want: false},
		{name: "none in", key: list("5.5.5.5", "4.4.4.4"), value: ips, want: true},
		{name: "wildcard keys none match", key: list("7*", "6*", "5*"), value: ips, want: true},
		{name: "wildcard keys match", key: list("1*", "2*"), value: ips, want: false},
		{name: "wildcard member", key: list("1.1.1.1", "3.3.3.3", "5.5.5.5"), value: list("2*"), want: true},
		{name: "list key and string", key: list("1.1.1.1", "4.4.4.4"), value: "2.2.2.2", want: true},
		{name: "single-element list and same string", key: list("a"), value: "a", want: false},
		{name: "float out of range", key: 5.5, value: "6-10", want: true},
		{name: "scalar in range", key: "5", value: "1-6", want: false},
		{name: "none in range", key: list(3, 2), value: "5-10", want: true},
		{name: "one in range", key: list(2, 6), value: "5-10", want: false},
		{name: "empty list key", key: []any{}, value: ips, want: true},
		{name: "number value and list key", key: list(1), value: 2, want: false},
	})
}

func TestIn(t *testing.T) {
	runRows(t, In, []row{
		{name: "int in list", key: 1, value: list(1, 2, 3), want: true},
		{name: "float in list", key: 1.5, value: list(1, 1.5, 2, 3), want: true},
		{name: "string in list", key: "1", value: list("1", "2", "3"), want: true},
		{name: "list subset", key: list("1.1.1.1", "2.2.2.2"), value: ips, want: true},
		{name: "list not subset", key: list("1.1.1.1", "4.4.4.4"), value: ips, want: false},
		{name: "not in list", key: 5, value: list(1, 2, 3), want: false},
		{name: "wildcard member", key: "1.1.1.1", value: list("1*"), want: true},
		{name: "no ranges", key: "5", value: "1-10", want: false},
		{name: "JSON array text", key: "b", value: `["a","b"]`, want: true},
		{name: "plain text value is invalid", key: "a", value: "b", want: false},
	})
}

func TestNotIn(t *testing.T) {
	runRows(t, NotIn, []row{
		{name: "int in list", key: 1, value: list(1, 2, 3), want: false},
		{name: "int not in list", key: 5, value: list(1, 2, 3), want: true},
		{name: "list key one missing", key: list("1.1.1.1", "4.4.4.4"), value: ips, want: true},
		{name: "list key all present", key: list("1.1.1.1", "2.2.2.2"), value: ips, want: false},
		{name: "plain text value is invalid", key: "a", value: "b", want: false},
		{name: "not in JSON array text", key: "c", value: `["a","b"]`, want: true},
		{name: "no ranges", key: "50", value: "1-10", want: false},
	})
}
