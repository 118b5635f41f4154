package gitsource

// Condition types of a GitSource besides Ready, Reconciling and Stalled.
const (
	// SourceVerifiedCondition is True when the bundle of the last fetched revision passed every check.
	SourceVerifiedCondition = "SourceVerified"
	// FetchFailedCondition is True while the repository cannot be fetched.
	FetchFailedCondition = "FetchFailed"
)

// Reasons of this controller; refusals use the bundle and verify packages' reason codes.
const (
	ReasonApplied = "BundleApplied"
	// ReasonUnsupportedRule: the bundle is in force, but some of its policies hold rules the engine cannot evaluate.
	ReasonUnsupportedRule = "UnsupportedRule"
	ReasonSuspended       = "Suspended"
	ReasonPolicyConflict  = "PolicyConflict"
	ReasonVersionReused   = "VersionReused"
	ReasonKeyUnavailable  = "KeyUnavailable"
	ReasonCredentials     = "CredentialsUnavailable"
)
