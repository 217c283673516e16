package httpx

import (
	"errors"
	"fmt"
	"net/http"

	"github.com/pricebook/pricebook/internal/catalog"
)

// Reason says why the HTTP layer refused a request before, or around, any
// use case. Each face maps every reason to its own code and words in its
// errors table, as it does the domain's reasons.
type Reason string

// The HTTP layer's reasons.
const (
	BodyTooLarge          Reason = "body too large"
	RateLimited           Reason = "rate limited"             // the key spent its request budget
	BadRequest            Reason = "bad request"              // the request is malformed for the face (its 400s)
	IdempotencyKeyTooLong Reason = "idempotency key too long" // the Idempotency-Key header is too long
	IdempotencyKeyReused  Reason = "idempotency key reused"   // the key came with a different request
	IdempotencyInFlight   Reason = "idempotency in flight"    // a request with the key is still running
	IdempotencyKeyInvalid Reason = "idempotency key invalid"  // the Idempotency-Key header is not printable text
	BodyIncomplete        Reason = "body incomplete"          // the connection ended before the body did
	BodyTimeout           Reason = "body timeout"             // the body did not arrive within the read timeout
	BodyUnreadable        Reason = "body unreadable"          // the body is framed wrongly (bad chunked encoding)
	MethodNotAllowed      Reason = "method not allowed"       // the path is served, but not for this method
	UploadTooLarge        Reason = "upload too large"         // an uploaded file is over its cap (a route's own body limit)

	// Injected faults (test mode, Pricebook-Fault and fault rules): the
	// 5xx a fault names, and refusals of a fault that cannot be injected.
	ServerError    Reason = "server error"    // 500
	BadGateway     Reason = "bad gateway"     // 502
	Unavailable    Reason = "unavailable"     // 503
	GatewayTimeout Reason = "gateway timeout" // 504
	FaultInvalid   Reason = "fault invalid"   // a Pricebook-Fault header that does not parse (400)
	FaultForbidden Reason = "fault forbidden" // a fault asked with a live-mode key (403)
)

// String returns the reason's words.
func (r Reason) String() string { return string(r) }

// Reasons returns every reason, so a face's test can check that its table
// answers each one.
func Reasons() []Reason {
	return []Reason{BodyTooLarge, RateLimited, BadRequest, IdempotencyKeyTooLong, IdempotencyKeyReused, IdempotencyInFlight,
		IdempotencyKeyInvalid, BodyIncomplete, BodyTimeout, BodyUnreadable, MethodNotAllowed, UploadTooLarge,
		ServerError, BadGateway, Unavailable, GatewayTimeout, FaultInvalid, FaultForbidden}
}

// AllReasons returns every reason a face's error table answers: the
// domain's and the HTTP layer's.
func AllReasons() []fmt.Stringer {
	var all []fmt.Stringer
	for _, r := range catalog.Reasons() {
		all = append(all, r)
	}
	for _, r := range Reasons() {
		all = append(all, r)
	}
	return all
}

// Error is a refusal of the HTTP layer: it carries its own status, the
// same on every face, and is not a domain error.
type Error struct {
	Status  int
	Reason  Reason
	Message string
	// Param names the request parameter at fault, "" for none.
	Param string
	// Retryable marks a refusal that may resolve by itself; clients may
	// retry it.
	Retryable bool
}

func (e *Error) Error() string { return e.Message }

// The HTTP layer's refusals that need no details.
var (
	// ErrBodyTooLarge is returned by ReadBody when the body exceeds its
	// limit; faces word it with their limit.
	ErrBodyTooLarge = &Error{Status: http.StatusRequestEntityTooLarge, Reason: BodyTooLarge, Message: "request body too large"}
	// ErrBodyIncomplete: the connection ended before the body did. Like
	// every error of ReadBody it is the client's doing, so each face
	// answers it with a 4xx, never with a 5xx that clients would retry.
	ErrBodyIncomplete = &Error{Status: http.StatusBadRequest, Reason: BodyIncomplete, Message: "request body ended before its Content-Length"}
	// ErrBodyTimeout: the body did not arrive within the server's read
	// timeout; the connection may be dead.
	ErrBodyTimeout = &Error{Status: http.StatusRequestTimeout, Reason: BodyTimeout, Message: "request body did not arrive in time"}
	// ErrBodyUnreadable: the body is framed wrongly (bad chunked encoding).
	ErrBodyUnreadable = &Error{Status: http.StatusBadRequest, Reason: BodyUnreadable, Message: "request body could not be read"}
	// ErrRateLimited refuses a request over its key's budget; the limiter
	// has set Retry-After.
	ErrRateLimited = &Error{Status: http.StatusTooManyRequests, Reason: RateLimited,
		Message: "Rate limit exceeded; retry after the time in Retry-After"}

	errKeyReused = &Error{Status: http.StatusBadRequest, Reason: IdempotencyKeyReused,
		Message: "This Idempotency-Key was already used with a different request; use a new key for a new request"}
	errInFlight = &Error{Status: http.StatusConflict, Reason: IdempotencyInFlight,
		Message: "A request with this Idempotency-Key is still being processed; retry shortly", Retryable: true}
)

// idempotencyError turns an IdempotencyStore's outcomes into refusals;
// a request in flight is worth a retry a second later.
func idempotencyError(w http.ResponseWriter, err error) error {
	switch {
	case errors.Is(err, ErrIdempotencyInFlight):
		w.Header().Set("Retry-After", "1")
		return errInFlight
	case errors.Is(err, ErrIdempotencyMismatch):
		return errKeyReused
	}
	return err
}
