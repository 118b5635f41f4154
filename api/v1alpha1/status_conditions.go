package v1alpha1

import metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

// GetConditions returns the status conditions (kstatus: Ready, Reconciling, Stalled).
func (p *ClusterPolicy) GetConditions() []metav1.Condition { return p.Status.Conditions }

// SetConditions replaces the status conditions.
func (p *ClusterPolicy) SetConditions(c []metav1.Condition) { p.Status.Conditions = c }

// GetConditions returns the status conditions (kstatus: Ready, Reconciling, Stalled).
func (p *Policy) GetConditions() []metav1.Condition { return p.Status.Conditions }

// SetConditions replaces the status conditions.
func (p *Policy) SetConditions(c []metav1.Condition) { p.Status.Conditions = c }

// GetConditions returns the status conditions (kstatus: Ready, Reconciling, Stalled).
func (x *PolicyException) GetConditions() []metav1.Condition { return x.Status.Conditions }

// SetConditions replaces the status conditions.
func (x *PolicyException) SetConditions(c []metav1.Condition) { x.Status.Conditions = c }
