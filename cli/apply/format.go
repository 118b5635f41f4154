package apply

import (
	"bufio"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"strings"

	"sigs.k8s.io/yaml"

	"github.com/bylaw-dev/bylaw/cli/output"
)

// writeTable prints one line per result, then `pass: N, fail: N, warn: N, error: N, skip: N`.
func writeTable(w io.Writer, rep *report) error {
	t := &output.Table{Header: []string{"POLICY", "RULE", "RESOURCE", "RESULT", "MESSAGE"}}
	for _, r := range rep.Results {
		t.Add(r.Policy, r.Rule, r.Resource.String(), r.Result, r.Message)
	}
	if err := t.Write(w); err != nil {
		return err
	}
	s := rep.Summary
	if _, err := fmt.Fprintf(w, "\npass: %d, fail: %d, warn: %d, error: %d, skip: %d\n%s", s.Pass, s.Fail, s.Warn, s.Error, s.Skip,
		changeLines(rep.Changes)); err != nil {
		return fmt.Errorf("writing summary: %w", err)
	}
	return nil
}

// changeLines returns one line per patched resource (`patched: Pod/ns/name by policy P`) and per generated object
// (`generated: NetworkPolicy/ns/name by policy P rule R`), in resource order.
func changeLines(changes []change) string {
	var b strings.Builder
	for _, c := range changes {
		if c.Patched != nil {
			noun := "policy"
			if len(c.PatchedBy) > 1 {
				noun = "policies"
			}
			fmt.Fprintf(&b, "patched: %s by %s %s\n", c.Resource, noun, strings.Join(c.PatchedBy, ", "))
		}
		for _, g := range c.Generated {
			fmt.Fprintf(&b, "generated: %s by policy %s rule %s\n", refOf(g.Object), g.Policy, g.Rule)
		}
	}
	return b.String()
}

// writeJSON streams the report as indented JSON, one result at a time, so that a large run never holds the whole
// encoded report in memory. The bytes are those json.Encoder with a two-space indent writes.
func writeJSON(w io.Writer, rep *report) error {
	bw := bufio.NewWriterSize(w, 64<<10)
	err := streamJSON(bw, rep)
	if ferr := bw.Flush(); err == nil {
		err = ferr
	}
	if err != nil {
		return fmt.Errorf("writing JSON: %w", err)
	}
	return nil
}

func streamJSON(w *bufio.Writer, rep *report) error {
	w.WriteString("{\n  \"results\": ")
	if rep.Results == nil {
		w.WriteString("null")
	} else {
		w.WriteString("[")
		for i := range rep.Results {
			if i > 0 {
				w.WriteString(",")
			}
			w.WriteString("\n    ")
			writeEntryJSON(w, &rep.Results[i], "    ")
		}
		if len(rep.Results) > 0 {
			w.WriteString("\n  ")
		}
		w.WriteString("]")
	}
	w.WriteString(",\n  \"summary\": ")
	if err := writeIndented(w, rep.Summary, "  "); err != nil {
		return err
	}
	if len(rep.Changes) > 0 {
		w.WriteString(",\n  \"changes\": ")
		if err := writeIndented(w, rep.Changes, "  "); err != nil {
			return err
		}
	}
	_, err := w.WriteString("\n}\n")
	return err
}

func writeIndented(w io.Writer, v any, prefix string) error {
	data, err := json.MarshalIndent(v, prefix, "  ")
	if err != nil {
		return err
	}
	_, err = w.Write(data)
	return err
}

func writeYAML(w io.Writer, rep *report) error {
	data, err := yaml.Marshal(rep)
	if err != nil {
		return fmt.Errorf("encoding YAML: %w", err)
	}
	if _, err := w.Write(data); err != nil {
		return fmt.Errorf("writing YAML: %w", err)
	}
	return nil
}

// JUnit XML: one test suite per policy, one test case per rule and resource, a failure element for fail and error
// results and a skipped element for skip.
type junitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Skipped  int          `xml:"skipped,attr"`
	Suites   []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name     string      `xml:"name,attr"`
	Tests    int         `xml:"tests,attr"`
	Failures int         `xml:"failures,attr"`
	Skipped  int         `xml:"skipped,attr"`
	Cases    []junitCase `xml:"testcase"`
}

type junitCase struct {
	Name      string        `xml:"name,attr"`
	ClassName string        `xml:"classname,attr"`
	Failure   *junitFailure `xml:"failure,omitempty"`
	Skipped   *junitFailure `xml:"skipped,omitempty"`
}

type junitFailure struct {
	Type    string `xml:"type,attr,omitempty"`
	Message string `xml:"message,attr"`
}

func writeJUnit(w io.Writer, rep *report) error {
	doc := junitSuites{}
	index := make(map[string]int, len(rep.policies))
	for _, p := range rep.policies {
		if _, ok := index[p]; !ok {
			index[p] = len(doc.Suites)
			doc.Suites = append(doc.Suites, junitSuite{Name: p})
		}
	}
	for _, r := range rep.Results {
		s := &doc.Suites[index[r.Policy]]
		c := junitCase{Name: r.Rule + " " + r.Resource.String(), ClassName: r.Policy}
		switch r.Result {
		case "fail", "error":
			c.Failure = &junitFailure{Type: r.Result, Message: r.Message}
			s.Failures++
		case "skip":
			c.Skipped = &junitFailure{Message: r.Message}
			s.Skipped++
		}
		s.Tests++
		s.Cases = append(s.Cases, c)
	}
	for _, s := range doc.Suites {
		doc.Tests += s.Tests
		doc.Failures += s.Failures
		doc.Skipped += s.Skipped
	}
	data, err := xml.MarshalIndent(doc, "", "  ")
	if err != nil {
		return fmt.Errorf("encoding JUnit XML: %w", err)
	}
	if _, err := fmt.Fprintf(w, "%s%s\n", xml.Header, data); err != nil {
		return fmt.Errorf("writing JUnit XML: %w", err)
	}
	return nil
}
