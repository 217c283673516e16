package pricebook

import (
	"errors"
	"net/http"

	"github.com/pricebook/pricebook/internal/catalog"
	"github.com/pricebook/pricebook/internal/httpx"
)

// errorBody is every error's answer.
type errorBody struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

// codeOfKind is the code and status of each kind of domain error; the
// face has no vendor vocabulary to keep, so the kind says it all.
var codeOfKind = map[catalog.Kind]struct {
	code   string
	status int
}{
	catalog.KindInvalid:      {"invalid_request", http.StatusUnprocessableEntity},
	catalog.KindNotFound:     {"not_found", http.StatusNotFound},
	catalog.KindConflict:     {"conflict", http.StatusConflict},
	catalog.KindGone:         {"gone", http.StatusGone},
	catalog.KindUnauthorized: {"unauthorized", http.StatusUnauthorized},
	catalog.KindForbidden:    {"forbidden", http.StatusForbidden},
}

// codeOfReason words the HTTP layer's refusals.
var codeOfReason = map[httpx.Reason]string{
	httpx.BodyTooLarge:          "body_too_large",
	httpx.RateLimited:           "rate_limited",
	httpx.BadRequest:            "bad_request",
	httpx.IdempotencyKeyTooLong: "invalid_idempotency_key",
	httpx.IdempotencyKeyInvalid: "invalid_idempotency_key",
	httpx.IdempotencyKeyReused:  "idempotency_key_reused",
	httpx.IdempotencyInFlight:   "idempotency_request_in_progress",
	httpx.BodyIncomplete:        "bad_request",
	httpx.BodyUnreadable:        "bad_request",
	httpx.BodyTimeout:           "request_timeout",
	httpx.MethodNotAllowed:      "method_not_allowed",
	httpx.ServerError:           "internal_error",
	httpx.BadGateway:            "bad_gateway",
	httpx.Unavailable:           "unavailable",
	httpx.GatewayTimeout:        "gateway_timeout",
	httpx.FaultInvalid:          "invalid_fault",
	httpx.FaultForbidden:        "fault_not_allowed",
}

// writeError answers err as {"code", "message"}.
func (a *API) writeError(w http.ResponseWriter, r *http.Request, err error) {
	var he *httpx.Error
	var e *catalog.Error
	switch {
	case errors.As(err, &he):
		code := codeOfReason[he.Reason]
		if code == "" {
			code = "bad_request"
		}
		httpx.WriteJSON(w, he.Status, errorBody{Code: code, Message: he.Message})
	case errors.As(err, &e) && codeOfKind[e.Kind].code != "":
		c := codeOfKind[e.Kind]
		httpx.WriteJSON(w, c.status, errorBody{Code: c.code, Message: e.Message})
	default:
		a.log.Error("internal error", "request_id", httpx.RequestID(r.Context()), "method", r.Method, "path", r.URL.Path, "err", err)
		httpx.WriteJSON(w, http.StatusInternalServerError, errorBody{Code: "internal_error",
			Message: "Internal error; the request id is " + httpx.RequestID(r.Context())})
	}
}
