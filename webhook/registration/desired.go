package registration

import (
	"fmt"
	"slices"
	"strings"

	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/bylaw-dev/bylaw/engine"
)

// class is what one webhook serves: the configuration it belongs to and the policies' failure policy and timeout.
type class struct {
	mutating bool
	webhook  engine.Webhook
}

// builder collects the rule sets of every class.
type builder struct {
	resolver *resolver
	classes  map[class]ruleSet
	warnings []string
}

// Desired returns the webhook configurations the policies need: one webhook per class (see Path), its rules resolved
// from the rules' kind selectors with mapper. Policies not run at admission are left out. A configuration is nil when
// no webhook would be in it. warnings name the kinds that could not be registered; err is set when the options are
// invalid or the mapper failed, and then nothing should be applied.
func Desired(policies []*engine.Policy, mapper meta.RESTMapper, caBundle []byte, opts Options) (
	validating *admissionregistrationv1.ValidatingWebhookConfiguration,
	mutating *admissionregistrationv1.MutatingWebhookConfiguration,
	warnings []string, err error,
) {
	if opts, err = opts.complete(); err != nil {
		return nil, nil, nil, err
	}
	b := &builder{resolver: newResolver(mapper), classes: map[class]ruleSet{}}
	for _, p := range policies {
		if p == nil {
			continue
		}
		if err := b.addPolicy(p); err != nil {
			return nil, nil, nil, fmt.Errorf("policy %s: %w", p.Key(), err)
		}
	}
	return b.validating(opts, caBundle), b.mutating(opts, caBundle), b.warnings, nil
}

func (b *builder) addPolicy(p *engine.Policy) error {
	w := Normalize(p.Webhook)
	namespaced := p.Namespace != ""
	for _, r := range p.Rules {
		for _, c := range classesOf(r, w) {
			if err := b.addRule(p, r, c, namespaced); err != nil {
				return err
			}
		}
	}
	return nil
}

// classesOf returns the webhooks a rule needs, as the engine says where it runs: the mutating webhook for rules that
// patch the request, the validating one for rules that decide on it or record it for the generate controller.
func classesOf(r *engine.Rule, w engine.Webhook) []class {
	var out []class
	if r.Runs(engine.StageMutate) {
		out = append(out, class{mutating: true, webhook: w})
	}
	if r.Runs(engine.StageValidate | engine.StageTrigger) {
		out = append(out, class{mutating: false, webhook: w})
	}
	return out
}

func (b *builder) addRule(p *engine.Policy, r *engine.Rule, c class, namespaced bool) error {
	for _, k := range r.Scope.Kinds {
		res, err := b.resolver.resolve(k.Selector)
		if err != nil {
			return fmt.Errorf("rule %s: %w", r.Name, err)
		}
		if res.warning != "" {
			b.warn(p, r, res.warning)
		}
		ops := b.operations(p, r, k.Operations)
		for _, ref := range res.refs {
			b.addRef(p, r, c, ref, namespaced, ops)
		}
	}
	b.addResourceRules(p, r, c, namespaced)
	return nil
}

// addRef registers ref for a rule: with scope "*" for a ClusterPolicy, Namespaced for a Policy, which cannot select
// cluster-scoped kinds.
func (b *builder) addRef(p *engine.Policy, r *engine.Rule, c class, ref resourceRef, namespaced bool,
	ops []admissionregistrationv1.OperationType) {
	scope := admissionregistrationv1.AllScopes
	if namespaced {
		if ref.clusterScoped {
			b.warn(p, r, fmt.Sprintf("resource %q is cluster-scoped, a namespaced Policy cannot select it", ref.resource))
			return
		}
		scope = admissionregistrationv1.NamespacedScope
	}
	if len(ops) == 0 {
		return
	}
	if b.classes[c] == nil {
		b.classes[c] = ruleSet{}
	}
	b.classes[c].add(ref, scope, ops)
}

// operations converts a rule's admission operations, leaving out (with a warning) any the API server does not know.
func (b *builder) operations(p *engine.Policy, r *engine.Rule, ops []engine.Operation) []admissionregistrationv1.OperationType {
	out := make([]admissionregistrationv1.OperationType, 0, len(ops))
	for _, op := range ops {
		switch o := admissionregistrationv1.OperationType(op); o {
		case admissionregistrationv1.Create, admissionregistrationv1.Update, admissionregistrationv1.Delete,
			admissionregistrationv1.Connect:
			out = append(out, o)
		default:
			b.warn(p, r, fmt.Sprintf("unknown operation %q", op))
		}
	}
	return out
}

func (b *builder) warn(p *engine.Policy, r *engine.Rule, msg string) {
	b.warnings = append(b.warnings, fmt.Sprintf("policy %s rule %s: %s", p.Key(), r.Name, msg))
}

// sortedClasses returns the classes of one configuration in webhook name order.
func (b *builder) sortedClasses(mutating bool) []class {
	var out []class
	for c, rs := range b.classes {
		if c.mutating == mutating && len(rs) > 0 {
			out = append(out, c)
		}
	}
	slices.SortFunc(out, func(x, y class) int {
		return strings.Compare(webhookName(x.mutating, x.webhook), webhookName(y.mutating, y.webhook))
	})
	return out
}

func (b *builder) validating(opts Options, caBundle []byte) *admissionregistrationv1.ValidatingWebhookConfiguration {
	classes := b.sortedClasses(false)
	if len(classes) == 0 {
		return nil
	}
	out := &admissionregistrationv1.ValidatingWebhookConfiguration{ObjectMeta: opts.objectMeta(opts.ValidatingName)}
	for _, c := range classes {
		out.Webhooks = append(out.Webhooks, validatingWebhook(c, b.classes[c].rules(), opts, caBundle))
	}
	return out
}

func (b *builder) mutating(opts Options, caBundle []byte) *admissionregistrationv1.MutatingWebhookConfiguration {
	classes := b.sortedClasses(true)
	if len(classes) == 0 {
		return nil
	}
	out := &admissionregistrationv1.MutatingWebhookConfiguration{ObjectMeta: opts.objectMeta(opts.MutatingName)}
	for _, c := range classes {
		out.Webhooks = append(out.Webhooks, mutatingWebhook(c, b.classes[c].rules(), opts, caBundle))
	}
	return out
}

// validatingWebhook builds a webhook with every field the API server would default set explicitly, so that what
// Desired returns compares equal to what the server stores.
func validatingWebhook(c class, rules []admissionregistrationv1.RuleWithOperations, opts Options,
	caBundle []byte) admissionregistrationv1.ValidatingWebhook {
	failurePolicy := admissionregistrationv1.FailurePolicyType(c.webhook.FailurePolicy)
	// Validating webhooks record generate requests and audit events, but never on a dry run.
	sideEffects := admissionregistrationv1.SideEffectClassNoneOnDryRun
	matchPolicy := admissionregistrationv1.Equivalent
	timeout := c.webhook.TimeoutSeconds
	return admissionregistrationv1.ValidatingWebhook{
		Name:                    webhookName(c.mutating, c.webhook),
		ClientConfig:            opts.clientConfig(Path(c.mutating, c.webhook), caBundle),
		Rules:                   rules,
		FailurePolicy:           &failurePolicy,
		MatchPolicy:             &matchPolicy,
		NamespaceSelector:       opts.namespaceSelector(),
		ObjectSelector:          &metav1.LabelSelector{},
		SideEffects:             &sideEffects,
		TimeoutSeconds:          &timeout,
		AdmissionReviewVersions: []string{"v1"},
	}
}

// mutatingWebhook builds the mutating webhook of a class: the validating fields plus reinvocation when another
// mutating webhook changed the object after this one ran.
func mutatingWebhook(c class, rules []admissionregistrationv1.RuleWithOperations, opts Options,
	caBundle []byte) admissionregistrationv1.MutatingWebhook {
	v := validatingWebhook(c, rules, opts, caBundle)
	reinvocation := admissionregistrationv1.IfNeededReinvocationPolicy
	return admissionregistrationv1.MutatingWebhook{
		Name:                    v.Name,
		ClientConfig:            v.ClientConfig,
		Rules:                   v.Rules,
		FailurePolicy:           v.FailurePolicy,
		MatchPolicy:             v.MatchPolicy,
		NamespaceSelector:       v.NamespaceSelector,
		ObjectSelector:          v.ObjectSelector,
		SideEffects:             v.SideEffects,
		TimeoutSeconds:          v.TimeoutSeconds,
		AdmissionReviewVersions: v.AdmissionReviewVersions,
		ReinvocationPolicy:      &reinvocation,
	}
}
