package v1

import metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

// GetConditions returns the kstatus conditions (Ready, Reconciling, Stalled).
func (p *ValidatingPolicy) GetConditions() []metav1.Condition { return p.Status.Conditions }

// SetConditions replaces the kstatus conditions.
func (p *ValidatingPolicy) SetConditions(c []metav1.Condition) { p.Status.Conditions = c }

// GetConditions returns the kstatus conditions (Ready, Reconciling, Stalled).
func (p *NamespacedValidatingPolicy) GetConditions() []metav1.Condition { return p.Status.Conditions }

// SetConditions replaces the kstatus conditions.
func (p *NamespacedValidatingPolicy) SetConditions(c []metav1.Condition) { p.Status.Conditions = c }

// GetConditions returns the kstatus conditions (Ready, Reconciling, Stalled).
func (x *PolicyException) GetConditions() []metav1.Condition { return x.Status.Conditions }

// SetConditions replaces the kstatus conditions.
func (x *PolicyException) SetConditions(c []metav1.Condition) { x.Status.Conditions = c }

// GetSpec returns the spec both validating policy kinds share.
func (p *ValidatingPolicy) GetSpec() *ValidatingPolicySpec { return &p.Spec }

// GetSpec returns the spec both validating policy kinds share.
func (p *NamespacedValidatingPolicy) GetSpec() *ValidatingPolicySpec { return &p.Spec }

// GetStatus returns the status both validating policy kinds share.
func (p *ValidatingPolicy) GetStatus() *ValidatingPolicyStatus { return &p.Status }

// GetStatus returns the status both validating policy kinds share.
func (p *NamespacedValidatingPolicy) GetStatus() *ValidatingPolicyStatus { return &p.Status }
