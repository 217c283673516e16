package dodo

import (
	"errors"
	"net/http"

	"github.com/pricebook/pricebook/internal/catalog"
	"github.com/pricebook/pricebook/internal/httpx"
)

// errorBody is the Dodo Payments error envelope.
type errorBody struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

// statusOf maps each core error kind to its status, in one table.
var statusOf = map[catalog.Kind]int{
	catalog.KindInvalid:      http.StatusUnprocessableEntity,
	catalog.KindNotFound:     http.StatusNotFound,
	catalog.KindConflict:     http.StatusConflict,
	catalog.KindGone:         http.StatusGone,
	catalog.KindUnauthorized: http.StatusUnauthorized,
	catalog.KindForbidden:    http.StatusForbidden,
	catalog.KindTooLarge:     http.StatusRequestEntityTooLarge,
	catalog.KindRateLimited:  http.StatusTooManyRequests,
	catalog.KindBadRequest:   http.StatusBadRequest,
	catalog.KindTimeout:      http.StatusRequestTimeout,
}

// bodyErrors are the envelopes of httpx.ReadBody's errors.
var bodyErrors = map[error]*catalog.Error{
	httpx.ErrBodyTooLarge:   catalog.Errorf(catalog.KindTooLarge, "REQUEST_TOO_LARGE", "request body is larger than %d bytes", MaxBodyBytes),
	httpx.ErrBodyIncomplete: catalog.Errorf(catalog.KindBadRequest, "BAD_REQUEST", "%s", httpx.ErrBodyIncomplete),
	httpx.ErrBodyUnreadable: catalog.Errorf(catalog.KindBadRequest, "BAD_REQUEST", "%s", httpx.ErrBodyUnreadable),
	httpx.ErrBodyTimeout:    catalog.Errorf(catalog.KindTimeout, "REQUEST_TIMEOUT", "%s", httpx.ErrBodyTimeout),
}

// bodyError returns the envelope of a ReadBody error, nil for others.
func bodyError(err error) *catalog.Error {
	for target, e := range bodyErrors {
		if errors.Is(err, target) {
			return e
		}
	}
	return nil
}

// writeError writes err in the Dodo envelope. Internal errors are logged
// and answered with a generic message; their details never reach clients.
func (a *API) writeError(w http.ResponseWriter, r *http.Request, err error) {
	e := bodyError(err)
	if e == nil && !errors.As(err, &e) {
		a.log.Error("internal error", "request_id", httpx.RequestID(r.Context()), "method", r.Method, "path", r.URL.Path, "err", err)
		e = catalog.Errorf(catalog.KindInternal, "INTERNAL_SERVER_ERROR", "Something went wrong; the request id is %s", httpx.RequestID(r.Context()))
	}
	status, ok := statusOf[e.Kind]
	if !ok {
		status = http.StatusInternalServerError
	}
	// The SDKs retry 409 and 5xx unless told not to; a deterministic
	// answer would only come back the same.
	if !e.Retryable && (status == http.StatusConflict || (status >= 500 && e.Kind != catalog.KindInternal)) {
		w.Header().Set("X-Should-Retry", "false")
	}
	httpx.WriteJSON(w, status, errorBody{Code: e.Code, Message: e.Message})
}
