package v1alpha1

import (
	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	apiextv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
)

// Rule is one validate, mutate, generate or verifyImages control, applied to
// the resources its match block selects and its exclude block does not.
type Rule struct {
	// Name identifies the rule; it is unique within its policy.
	// +kubebuilder:validation:MaxLength=63
	Name string `json:"name"`

	// Context declares variables loaded before the rule is evaluated.
	// +optional
	Context []ContextEntry `json:"context,omitempty"`

	// ReportProperties are added to each report result of this rule.
	// +optional
	ReportProperties map[string]string `json:"reportProperties,omitempty"`

	// MatchResources selects the resources and requests the rule applies to.
	MatchResources MatchResources `json:"match"`

	// ExcludeResources removes resources and requests from the match.
	// +optional
	ExcludeResources *MatchResources `json:"exclude,omitempty"`

	// ImageExtractors tell verifyImages rules where images sit in custom kinds,
	// keyed by kind.
	// +optional
	ImageExtractors ImageExtractorConfigs `json:"imageExtractors,omitempty"`

	// Preconditions must hold for the rule to apply. Either an object with
	// any/all lists of conditions or, in the legacy form, a plain list of
	// conditions that must all hold. Use PreconditionsAnyAll to read it.
	// +optional
	Preconditions *apiextv1.JSON `json:"preconditions,omitempty"`

	// CELPreconditions are CEL expressions that must all be true; only with validate.cel.
	// +optional
	CELPreconditions []admissionregistrationv1.MatchCondition `json:"celPreconditions,omitempty"`

	// Mutation modifies matching resources.
	// +optional
	Mutation *Mutation `json:"mutate,omitempty"`

	// Validation checks matching resources.
	// +optional
	Validation *Validation `json:"validate,omitempty"`

	// Generation creates or synchronises other resources.
	// +optional
	Generation *Generation `json:"generate,omitempty"`

	// VerifyImages checks image signatures and attestations.
	// +optional
	VerifyImages []ImageVerification `json:"verifyImages,omitempty"`

	// SkipBackgroundRequests ignores requests made by Bylaw's own background
	// controllers. Defaults to true.
	// +optional
	SkipBackgroundRequests *bool `json:"skipBackgroundRequests,omitempty"`
}

// ImageExtractorConfigs maps a kind to the places images are found in it.
type ImageExtractorConfigs map[string][]ImageExtractorConfig

// ImageExtractorConfig locates image references in a custom resource.
type ImageExtractorConfig struct {
	// Path is a slash-separated path to the object or list holding the image;
	// '*' expands lists and maps.
	Path string `json:"path"`

	// Value names the field under path that holds the image reference.
	// +optional
	Value string `json:"value,omitempty"`

	// Name is the key under which images appear in the images context variable
	// (default "custom").
	// +optional
	Name string `json:"name,omitempty"`

	// Key names the field under path that identifies an image uniquely.
	// +optional
	Key string `json:"key,omitempty"`

	// JMESPath transforms the extracted value, e.g. to trim a prefix.
	// +optional
	JMESPath string `json:"jmesPath,omitempty"`
}

// HasValidate reports whether the rule has a validate block.
func (r *Rule) HasValidate() bool { return r.Validation != nil }

// HasMutate reports whether the rule has a mutate block.
func (r *Rule) HasMutate() bool { return r.Mutation != nil }

// HasMutateExisting reports whether the rule mutates existing target resources.
func (r *Rule) HasMutateExisting() bool { return r.Mutation != nil && len(r.Mutation.Targets) > 0 }

// HasGenerate reports whether the rule has a generate block.
func (r *Rule) HasGenerate() bool { return r.Generation != nil }

// HasVerifyImages reports whether the rule verifies images.
func (r *Rule) HasVerifyImages() bool { return len(r.VerifyImages) > 0 }

// SkipsBackgroundRequests reports whether requests from background controllers
// are ignored (default true).
func (r *Rule) SkipsBackgroundRequests() bool {
	return r.SkipBackgroundRequests == nil || *r.SkipBackgroundRequests
}

// PreconditionsAnyAll decodes the rule preconditions in either form; it
// returns nil when there are none.
func (r *Rule) PreconditionsAnyAll() (*AnyAllConditions, error) {
	return DecodeConditions(r.Preconditions)
}
