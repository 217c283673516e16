package catalog

import (
	"errors"
	"fmt"
	"strings"
)

// Kind classifies an error so that each API face can map it to its own
// status code and envelope in one table.
type Kind int

// The error kinds the domain produces.
const (
	KindInternal Kind = iota
	KindInvalid
	KindNotFound
	KindConflict
	KindGone
	KindUnauthorized
	KindForbidden
)

// Error is a domain error: a kind, the domain's reason and a
// human-readable message naming the fields involved.
type Error struct {
	Kind    Kind
	Reason  Reason
	Message string
	// Fields holds every field problem of a validation error, in order.
	Fields []FieldError
	// Retryable marks a conflict that may resolve by itself; clients may
	// retry it.
	Retryable bool
}

func (e *Error) Error() string { return e.Message }

// FieldError is one problem with one input field, named by its JSON path
// (for example "price.payment_frequency_interval"), and its reason.
type FieldError struct {
	Path    string
	Message string
	Reason  Reason
}

// Errorf returns an *Error of the given kind and reason.
func Errorf(kind Kind, reason Reason, format string, args ...any) *Error {
	return &Error{Kind: kind, Reason: reason, Message: fmt.Sprintf(format, args...)}
}

// NotFound returns the generic not-found error for a resource.
func NotFound(what, id string) *Error {
	return Errorf(KindNotFound, Missing, "%s %s not found", what, id)
}

// ErrorKind reports the Kind of err, KindInternal for foreign errors.
func ErrorKind(err error) Kind {
	var e *Error
	if errors.As(err, &e) {
		return e.Kind
	}
	return KindInternal
}

// Problems collects field problems during validation.
type Problems struct {
	reason Reason
	list   []FieldError
}

// Add records a problem with the field at path, for the generic reason
// Invalid. Only the first problem of each path is kept: "is required"
// says all there is to say.
func (p *Problems) Add(path, format string, args ...any) {
	p.AddReason(Invalid, path, format, args...)
}

// AddReason records a problem for a specific reason, which also becomes
// the reason of the resulting error unless an earlier problem already
// gave one (even when the problem itself is dropped for its path).
func (p *Problems) AddReason(reason Reason, path, format string, args ...any) {
	if p.reason == Invalid {
		p.reason = reason
	}
	for _, f := range p.list {
		if f.Path == path && path != "" {
			return
		}
	}
	p.list = append(p.list, FieldError{Path: path, Message: fmt.Sprintf(format, args...), Reason: reason})
}

// Empty reports whether no problem was recorded.
func (p *Problems) Empty() bool { return len(p.list) == 0 }

// Err returns nil when there were no problems, else a KindInvalid *Error
// whose message lists every problem with its path.
func (p *Problems) Err() error {
	if len(p.list) == 0 {
		return nil
	}
	parts := make([]string, len(p.list))
	for i, f := range p.list {
		if f.Path == "" {
			parts[i] = f.Message
		} else {
			parts[i] = f.Path + ": " + f.Message
		}
	}
	return &Error{Kind: KindInvalid, Reason: p.reason, Message: strings.Join(parts, "; "), Fields: p.list}
}
