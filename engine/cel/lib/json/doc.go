// Package json is Kyverno's `json` CEL library: the `json` variable has json.unmarshal(string), which decodes a
// JSON document into CEL values (objects to maps, numbers to doubles), and json.marshal(value), which encodes a
// value as compact JSON with sorted object keys. Invalid JSON and values JSON cannot hold are errors. Both cost 1
// plus 0.1 per byte read or written.
package json
