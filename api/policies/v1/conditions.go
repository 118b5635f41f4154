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

// GetConditions returns the kstatus conditions (Ready, Reconciling, Stalled).
func (p *MutatingPolicy) GetConditions() []metav1.Condition { return p.Status.Conditions }

// SetConditions replaces the kstatus conditions.
func (p *MutatingPolicy) SetConditions(c []metav1.Condition) { p.Status.Conditions = c }

// GetConditions returns the kstatus conditions (Ready, Reconciling, Stalled).
func (p *NamespacedMutatingPolicy) GetConditions() []metav1.Condition { return p.Status.Conditions }

// SetConditions replaces the kstatus conditions.
func (p *NamespacedMutatingPolicy) SetConditions(c []metav1.Condition) { p.Status.Conditions = c }

// GetSpec returns the spec both mutating policy kinds share.
func (p *MutatingPolicy) GetSpec() *MutatingPolicySpec { return &p.Spec }

// GetSpec returns the spec both mutating policy kinds share.
func (p *NamespacedMutatingPolicy) GetSpec() *MutatingPolicySpec { return &p.Spec }

// GetStatus returns the status both mutating policy kinds share.
func (p *MutatingPolicy) GetStatus() *MutatingPolicyStatus { return &p.Status }

// GetStatus returns the status both mutating policy kinds share.
func (p *NamespacedMutatingPolicy) GetStatus() *MutatingPolicyStatus { return &p.Status }
