package catalog

import "time"

// WebhookDelivery is one attempt to send an event to a webhook endpoint.
type WebhookDelivery struct {
	ID         string // wdl_...
	EndpointID string
	EventID    string
	EventType  string
	Attempt    int  // 1 for the first
	StatusCode *int // nil when no response came (connection refused, timeout, policy)
	Duration   time.Duration
	Response   string // the response body's first KiB
	Error      string // why no response came, or why it was refused
	// NextRetryAt is when the next attempt is due, nil after a success or
	// the last attempt.
	NextRetryAt *time.Time
	CreatedAt   time.Time
}

// WebhookDeliveryFilter selects a page of an endpoint's deliveries, newest
// first.
type WebhookDeliveryFilter struct {
	EndpointID string
	Page       Page
}

// WebhookTestEventType is the type of the message a test send delivers.
// It is no catalog change, so the journal does not record it.
const WebhookTestEventType = "webhook.test"

// WebhookSend is what a resend, a replay or a test send queued: one
// event, to these endpoints.
type WebhookSend struct {
	EventID     string
	EventType   string
	EndpointIDs []string
}
