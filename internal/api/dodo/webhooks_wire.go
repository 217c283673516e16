package dodo

import (
	"strings"

	"github.com/pricebook/pricebook/internal/catalog"
)

// webhookIn is the body of POST /webhooks (WebhookCreateParams) and
// PATCH /webhooks/{id} (WebhookUpdateParams). idempotency_key is not read:
// the Idempotency-Key header is this face's idempotency.
type webhookIn struct {
	URL         *string           `json:"url"`
	Description *string           `json:"description"`
	FilterTypes []string          `json:"filter_types"`
	RateLimit   *int              `json:"rate_limit"`
	Disabled    *bool             `json:"disabled"`
	Metadata    map[string]string `json:"metadata"`
	Headers     map[string]string `json:"headers"`
}

// webhookOut is WebhookDetails: every key, always.
type webhookOut struct {
	ID          string            `json:"id"`
	URL         string            `json:"url"`
	Description string            `json:"description"`
	FilterTypes []string          `json:"filter_types"`
	RateLimit   *int              `json:"rate_limit"`
	Disabled    bool              `json:"disabled"`
	Metadata    map[string]string `json:"metadata"`
	CreatedAt   string            `json:"created_at"`
	UpdatedAt   string            `json:"updated_at"`
}

func webhookResponse(w *catalog.WebhookEndpoint) webhookOut {
	md := w.Metadata
	if md == nil {
		md = map[string]string{}
	}
	return webhookOut{ID: w.ID, URL: w.URL, Description: w.Description, FilterTypes: w.FilterTypes, RateLimit: w.RateLimit,
		Disabled: w.Disabled, Metadata: md, CreatedAt: timestamp(w.CreatedAt), UpdatedAt: timestamp(w.UpdatedAt)}
}

// webhookPage is the cursor page of GET /webhooks (CursorPagePagination):
// iterator continues after the page's last endpoint, null on the last page.
type webhookPage struct {
	Data     []webhookOut `json:"data"`
	Iterator *string      `json:"iterator"`
	Done     bool         `json:"done"`
}

// secretOut is WebhookRetrieveSecretResponse.
type secretOut struct {
	Secret string `json:"secret"`
}

// headersIn is HeaderUpdateParams.
type headersIn struct {
	Headers map[string]string `json:"headers"`
}

// headersOut is HeaderRetrieveResponse: the headers whose values are not
// credentials, and the names of those that are.
type headersOut struct {
	Headers   map[string]string `json:"headers"`
	Sensitive []string          `json:"sensitive"`
}

// webhookEventTypes are the event types filter_types may name
// (WebhookEventType).
var webhookEventTypes = map[string]bool{}

func init() {
	for _, t := range strings.Fields(`payment.succeeded payment.failed payment.processing payment.cancelled
		refund.succeeded refund.failed dispute.opened dispute.expired dispute.accepted dispute.cancelled dispute.challenged
		dispute.won dispute.lost subscription.active subscription.renewed subscription.on_hold subscription.past_due
		subscription.paused subscription.unpaused subscription.cancelled subscription.failed subscription.expired
		subscription.plan_changed subscription.updated subscription.update_payment_method license_key.created
		payout.created payout.on_hold payout.in_progress payout.failed payout.success credit.added credit.deducted
		credit.expired credit.rolled_over credit.rollover_forfeited credit.overage_charged credit.overage_reset
		credit.manual_adjustment credit.balance_low abandoned_checkout.detected abandoned_checkout.recovered
		dunning.started dunning.recovered entitlement_grant.created entitlement_grant.delivered entitlement_grant.failed
		entitlement_grant.revoked`) {
		webhookEventTypes[t] = true
	}
}
