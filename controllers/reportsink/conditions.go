package reportsink

import "time"

// Reasons of this controller's conditions; failures of a publication use gitsink's reasons.
const (
	// ReasonPublished: a commit with the current reports was pushed.
	ReasonPublished = "Published"
	// ReasonUpToDate: the branch already held the current reports.
	ReasonUpToDate = "UpToDate"
	// ReasonSuspended: spec.suspend is set.
	ReasonSuspended = "Suspended"
	// ReasonChangePending: the reports changed and wait for the interval since the last commit.
	ReasonChangePending = "ChangePending"
	// ReasonCredentials: the credentials Secret cannot be read or used.
	ReasonCredentials = "CredentialsUnavailable"
	// ReasonRenderFailed: the reports could not be built or rendered.
	ReasonRenderFailed = "RenderFailed"
)

// Defaults of Reconciler.
const (
	// DefaultBaseBackoff is the delay before the first retry of a failed publication; it doubles with each failure.
	DefaultBaseBackoff = 5 * time.Second
	// DefaultMaxBackoff caps the delay between retries.
	DefaultMaxBackoff = 5 * time.Minute
	// DefaultPoll is how often the Book's generation is checked for new content.
	DefaultPoll = 10 * time.Second
	// defaultInterval applies when spec.interval is not positive (the API server defaults it to 1m).
	defaultInterval = time.Minute
)
