package apply

import (
	"bufio"
	"encoding/json"
)

// writeEntryJSON writes one result entry as json.MarshalIndent(e, prefix, "  ") would, without reflection: the
// report of a large run holds one entry per rule and resource, and reflection dominated writing it.
func writeEntryJSON(w *bufio.Writer, e *resultEntry, prefix string) {
	in1, in2 := prefix+"  ", prefix+"    "
	w.WriteString("{\n")
	field(w, in1, "policy", e.Policy, true)
	field(w, in1, "rule", e.Rule, true)
	w.WriteString(in1 + "\"resource\": {\n")
	first := true
	for _, f := range [...]struct {
		name, value string
		omitEmpty   bool
	}{{"apiVersion", e.Resource.APIVersion, true}, {"kind", e.Resource.Kind, false}, {"namespace", e.Resource.Namespace, true}, {"name", e.Resource.Name, false}} {
		if f.omitEmpty && f.value == "" {
			continue
		}
		if !first {
			w.WriteString(",\n")
		}
		first = false
		w.WriteString(in2)
		writeKeyValue(w, f.name, f.value)
	}
	w.WriteString("\n" + in1 + "},\n")
	field(w, in1, "result", e.Result, true)
	if e.Message != "" {
		field(w, in1, "message", e.Message, true)
	}
	w.WriteString(in1)
	writeKeyValue(w, "action", e.Action)
	if e.Exception != "" {
		w.WriteString(",\n" + in1)
		writeKeyValue(w, "exception", e.Exception)
	}
	w.WriteString("\n" + prefix + "}")
}

func field(w *bufio.Writer, indent, name, value string, comma bool) {
	w.WriteString(indent)
	writeKeyValue(w, name, value)
	if comma {
		w.WriteString(",\n")
	}
}

func writeKeyValue(w *bufio.Writer, name, value string) {
	w.WriteByte('"')
	w.WriteString(name)
	w.WriteString("\": ")
	writeString(w, value)
}

// writeString writes s as a JSON string with encoding/json's escaping (HTML characters escaped).
func writeString(w *bufio.Writer, s string) {
	if plainJSON(s) {
		w.WriteByte('"')
		w.WriteString(s)
		w.WriteByte('"')
		return
	}
	b, _ := json.Marshal(s)
	w.Write(b)
}

// plainJSON reports whether s needs no escaping at all.
func plainJSON(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 0x20 || c >= 0x7f || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
			return false
		}
	}
	return true
}
