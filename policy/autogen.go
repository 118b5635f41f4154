package policy

import (
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strings"

	apiextv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"

	"github.com/bylaw-dev/bylaw/api/v1alpha1"
)

// Autogen annotations: the value "none" turns pod-controller rules off; a comma-separated list of kinds picks them.
const (
	AnnotationAutogen        = "pod-policies.bylaw.dev/autogen-controllers"
	AnnotationAutogenKyverno = "pod-policies.kyverno.io/autogen-controllers"
)

// podControllers are the kinds that carry a Pod template at spec.template (CronJob is handled on its own).
var podControllers = []string{"DaemonSet", "Deployment", "Job", "ReplicaSet", "ReplicationController", "StatefulSet"}

const cronJob = "CronJob"

// withAutogen returns spec with rules for Pod controllers added after the written rules, as Kyverno generates them:
// `autogen-<rule>` for the controllers with a Pod template at spec.template and `autogen-cronjob-<rule>` for CronJobs.
func withAutogen(spec *v1alpha1.Spec, annotations map[string]string) (*v1alpha1.Spec, error) {
	controllers := requestedControllers(annotations)
	if len(controllers) == 0 || !canAutogen(spec) {
		return spec, nil
	}
	out := spec.DeepCopy()
	out.Rules = out.Rules[:0]
	var generated []v1alpha1.Rule
	for i := range spec.Rules {
		r := &spec.Rules[i]
		if strings.HasPrefix(r.Name, "autogen-") {
			continue
		}
		out.Rules = append(out.Rules, *r.DeepCopy())
		rules, err := autogenRules(r, controllers)
		if err != nil {
			return nil, fmt.Errorf("rule %s: %w", r.Name, err)
		}
		generated = append(generated, rules...)
	}
	out.Rules = append(out.Rules, generated...)
	return out, nil
}

func requestedControllers(annotations map[string]string) []string {
	v, ok := annotations[AnnotationAutogen]
	if !ok {
		v, ok = annotations[AnnotationAutogenKyverno]
	}
	if !ok || v == "" || v == "all" {
		return append(slices.Clone(podControllers), cronJob)
	}
	if v == "none" {
		return nil
	}
	list := strings.Split(v, ",")
	for i := range list {
		list[i] = strings.TrimSpace(list[i])
	}
	sort.Strings(list)
	return list
}

// canAutogen applies Kyverno's policy-wide conditions: no generate rule, no JSON patch, no names, selectors or
// annotations in match/exclude, no Pod mixed with other kinds, and at least one rule on Pods or controllers.
func canAutogen(spec *v1alpha1.Spec) bool {
	needed := false
	for i := range spec.Rules {
		r := &spec.Rules[i]
		if r.Generation != nil || (r.Mutation != nil && hasJSONPatch(r.Mutation)) {
			return false
		}
		for _, d := range descriptions(r) {
			if d.Name != "" || len(d.Names) > 0 || d.Selector != nil || d.Annotations != nil ||
				(len(d.Kinds) > 1 && containsKind(d.Kinds, "Pod")) {
				return false
			}
			needed = needed || containsKind(d.Kinds, "Pod") || slices.ContainsFunc(d.Kinds, isController)
		}
	}
	return needed
}

func hasJSONPatch(m *v1alpha1.Mutation) bool {
	if m.PatchesJSON6902 != "" {
		return true
	}
	for _, f := range m.ForEach {
		if f.PatchesJSON6902 != "" {
			return true
		}
	}
	return false
}

func descriptions(r *v1alpha1.Rule) []v1alpha1.ResourceDescription {
	out := descriptionsOf(&r.MatchResources)
	if r.ExcludeResources != nil {
		out = append(out, descriptionsOf(r.ExcludeResources)...)
	}
	return out
}

func descriptionsOf(m *v1alpha1.MatchResources) []v1alpha1.ResourceDescription {
	out := []v1alpha1.ResourceDescription{m.ResourceDescription}
	for _, f := range m.Any {
		out = append(out, f.ResourceDescription)
	}
	for _, f := range m.All {
		out = append(out, f.ResourceDescription)
	}
	return out
}

func kindsOf(m *v1alpha1.MatchResources) []string {
	var out []string
	for _, d := range descriptionsOf(m) {
		out = append(out, d.Kinds...)
	}
	return out
}

// containsKind reports whether kinds names kind, in any of the forms Kind, version/Kind or group/version/Kind.
func containsKind(kinds []string, kind string) bool {
	for _, k := range kinds {
		if k == kind || strings.HasSuffix(k, "/"+kind) {
			return true
		}
	}
	return false
}

func isController(kind string) bool {
	return slices.Contains(podControllers, kind) || kind == cronJob
}

// autogenRules builds the controller and CronJob rules for one rule, or none when the rule does not select Pods.
func autogenRules(r *v1alpha1.Rule, controllers []string) ([]v1alpha1.Rule, error) {
	if !containsKind(kindsOf(&r.MatchResources), "Pod") {
		return nil, nil
	}
	if r.ExcludeResources != nil {
		if ek := kindsOf(r.ExcludeResources); len(ek) > 0 && !containsKind(ek, "Pod") {
			return nil, nil
		}
	}
	kinds := slices.DeleteFunc(slices.Clone(controllers), func(k string) bool { return !slices.Contains(podControllers, k) })
	var out []v1alpha1.Rule
	if len(kinds) == 0 {
		return nil, nil
	}
	ctrl, err := shiftRule(r, ruleName("autogen", r.Name), "template", kinds, true)
	if err != nil || ctrl == nil {
		return nil, err
	}
	converted, err := rewritePaths(ctrl, "spec.template")
	if err != nil {
		return nil, err
	}
	out = append(out, *converted)
	if slices.Contains(controllers, cronJob) {
		cron, err := shiftRule(ctrl, ruleName("autogen-cronjob", r.Name), "jobTemplate", []string{cronJob}, false)
		if err != nil || cron == nil {
			return out, err
		}
		if cron, err = rewritePaths(cron, "spec.jobTemplate.spec.template"); err != nil {
			return nil, err
		}
		out = append(out, *cron)
	}
	return out, nil
}

func ruleName(prefix, name string) string {
	name = prefix + "-" + name
	if len(name) > 63 {
		name = name[:63]
	}
	return name
}

// variablePaths finds the object paths of variables ({{ request.object.spec... }}) and of CEL expressions
// (object.spec..., oldObject.metadata...) that read a Pod's spec or metadata.
var (
	variablePaths = regexp.MustCompile(`request\.(object|oldObject)\.(spec|metadata)\b`)
	celPaths      = regexp.MustCompile(`\b(object|oldObject)\.(spec|metadata)\b`)
)

// rewritePaths rewrites the paths of r that read a Pod so that they read the Pod template at template (for example
// spec.template): request.object.spec becomes request.object.spec.template.spec. CEL rules have their own
// variables (object, oldObject) and get the same rewrite on those. Each path is rewritten once.
func rewritePaths(r *v1alpha1.Rule, template string) (*v1alpha1.Rule, error) {
	data, err := json.Marshal(r)
	if err != nil {
		return nil, err
	}
	re, prefix := variablePaths, "request.$1."
	if r.Validation != nil && r.Validation.CEL != nil {
		re, prefix = celPaths, "$1."
	}
	data = re.ReplaceAll(data, []byte(prefix+template+".$2"))
	var out v1alpha1.Rule
	if err := json.Unmarshal(data, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// wrap nests a pattern under spec.<key>.
func wrap(raw *apiextv1.JSON, key string) *apiextv1.JSON {
	if raw == nil {
		return nil
	}
	data := []byte(`{"spec":{"` + key + `":` + string(raw.Raw) + `}}`)
	return &apiextv1.JSON{Raw: data}
}

func wrapAnyPattern(raw *apiextv1.JSON, key string) (*apiextv1.JSON, error) {
	if raw == nil {
		return nil, nil
	}
	var list []json.RawMessage
	if err := json.Unmarshal(raw.Raw, &list); err != nil {
		return nil, fmt.Errorf("anyPattern must be a list: %w", err)
	}
	for i := range list {
		list[i] = wrap(&apiextv1.JSON{Raw: list[i]}, key).Raw
	}
	data, err := json.Marshal(list)
	return &apiextv1.JSON{Raw: data}, err
}
