// Package yaml is Kyverno's `yaml` CEL library: the `yaml` variable has yaml.parse(string), which decodes one YAML
// document into CEL values as its JSON form (objects to maps, numbers to doubles). Invalid YAML, and documents
// whose aliases expand excessively, are errors. The cost is 1 plus 0.1 per byte read.
package yaml
