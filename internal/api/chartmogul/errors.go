package chartmogul

import (
	"errors"
	"net/http"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/pricebook/pricebook/internal/catalog"
	"github.com/pricebook/pricebook/internal/httpx"
	"github.com/pricebook/pricebook/internal/store"
)

// codeBadRequest marks the face's own request errors (a missing required
// key, a malformed body or query parameter): the vendor answers those with
// 400 and {code, message, param}.
const codeBadRequest = "BAD_REQUEST"

// badRequest returns a 400 error naming param ("" for none).
func badRequest(param, message string) error {
	e := &catalog.Error{Kind: catalog.KindInvalid, Code: codeBadRequest, Message: message}
	if param != "" {
		e.Fields = []catalog.FieldError{{Path: param, Message: message}}
	}
	return e
}

// errUnauthorized is every authentication and permission failure: the
// vendor has one recorded body for them.
var errUnauthorized = catalog.Errorf(catalog.KindUnauthorized, "UNAUTHORIZED", "No valid API key provided")

// statusOf maps each core error kind to its status, in one table. Invalid
// and conflicting input are both 422: the clients key off the status, and
// the vendor reports taken names and ids as validation errors.
var statusOf = map[catalog.Kind]int{
	catalog.KindInvalid:      http.StatusUnprocessableEntity,
	catalog.KindConflict:     http.StatusUnprocessableEntity,
	catalog.KindNotFound:     http.StatusNotFound,
	catalog.KindGone:         http.StatusNotFound,
	catalog.KindUnauthorized: http.StatusUnauthorized,
	catalog.KindForbidden:    http.StatusUnauthorized,
	catalog.KindTooLarge:     http.StatusRequestEntityTooLarge,
	catalog.KindRateLimited:  http.StatusTooManyRequests,
	catalog.KindBadRequest:   http.StatusBadRequest,
	catalog.KindTimeout:      http.StatusRequestTimeout,
}

// bodyErrors are the answers to httpx.ReadBody's errors.
var bodyErrors = map[error]error{
	httpx.ErrBodyTooLarge:   catalog.Errorf(catalog.KindTooLarge, "REQUEST_TOO_LARGE", "Request body is larger than %d bytes", MaxBodyBytes),
	httpx.ErrBodyIncomplete: badRequest("", "Request body ended before its Content-Length"),
	httpx.ErrBodyUnreadable: badRequest("", "Request body could not be read"),
	httpx.ErrBodyTimeout:    catalog.Errorf(catalog.KindTimeout, "REQUEST_TIMEOUT", "Request body did not arrive in time"),
}

// notFoundText is the vendor's 404 message per core error code.
var notFoundText = map[string]string{
	store.ErrDataSourceNotFound.Code: "Data source not found",
	store.ErrPlanNotFound.Code:       "Plan not found",
	store.ErrPlanGroupNotFound.Code:  "Plan group not found",
}

// codeText is the vendor's recorded 422 message for the field of a core
// error code, used whatever the core's own wording.
var codeText = map[string]string{
	store.ErrDataSourceNameTaken.Code:   "Has already been taken.",
	store.ErrPlanExternalIDTaken.Code:   "A plan with this identifier already exists in our system.",
	store.ErrPlanDataSourceUnknown.Code: msgPlanDataSource,
	store.ErrPlanGroupNoPlans.Code:      msgBlank,
}

// pathText is the vendor's recorded 422 message for any core problem with
// a field that has a single rule.
var pathText = map[string]string{
	"interval_unit":    msgIntervalUnit,
	"data_source_uuid": msgPlanDataSource,
}

// The vendor's recorded validation messages.
const (
	msgDataSourceName = "A name is required for each data source."
	msgPlanName       = "A unique name is required for each plan."
	msgNotANumber     = "is not a number"
	msgIntervalUnit   = "Only 'day', 'month' or 'year' are valid values for interval_unit."
	msgPlanDataSource = "A valid data source UUID is required for each plan."
	msgBlank          = "can't be blank"
)

// errorStyle picks the 422 body: data sources and plans answer
// {"errors": {field: message}}, plan groups the flat Rails shape.
type errorStyle int

const (
	importErrors errorStyle = iota
	railsErrors
)

// codeBody is the vendor's {code, message, param} body of 400, 401 and
// other non-validation errors; param is null when no parameter is at fault.
type codeBody struct {
	Code    int     `json:"code"`
	Message string  `json:"message"`
	Param   *string `json:"param"`
}

// errorWriter returns the httpx.ErrorWriter for a route's error style.
func (a *API) errorWriter(style errorStyle) httpx.ErrorWriter {
	return func(w http.ResponseWriter, r *http.Request, err error) {
		for target, answer := range bodyErrors {
			if errors.Is(err, target) {
				err = answer
				break
			}
		}
		var e *catalog.Error
		if !errors.As(err, &e) {
			a.log.Error("internal error", "request_id", httpx.RequestID(r.Context()), "method", r.Method, "path", r.URL.Path, "err", err)
			e = catalog.Errorf(catalog.KindInternal, "INTERNAL", "Internal error; the request id is %s", httpx.RequestID(r.Context()))
		}
		status, ok := statusOf[e.Kind]
		if !ok {
			status = http.StatusInternalServerError
		}
		if e.Kind == catalog.KindConflict && e.Retryable {
			status = http.StatusConflict // in flight: worth a retry, unlike a validation error
		}
		switch {
		case e.Code == codeBadRequest:
			var param *string
			if len(e.Fields) > 0 {
				param = &e.Fields[0].Path
			}
			httpx.WriteJSON(w, http.StatusBadRequest, codeBody{Code: http.StatusBadRequest, Message: e.Message, Param: param})
		case status == http.StatusNotFound:
			text, ok := notFoundText[e.Code]
			if !ok {
				text = "Not found"
			}
			httpx.WriteJSON(w, status, map[string]string{"error": text})
		case status == http.StatusUnprocessableEntity && style == railsErrors:
			httpx.WriteJSON(w, status, railsBody(e))
		case status == http.StatusUnprocessableEntity:
			httpx.WriteJSON(w, status, map[string]map[string]string{"errors": importBody(e)})
		default:
			httpx.WriteJSON(w, status, codeBody{Code: status, Message: e.Message})
		}
	}
}

// importBody renders a validation error as {field: message}.
func importBody(e *catalog.Error) map[string]string {
	out := map[string]string{}
	for _, f := range e.Fields {
		msg := f.Message
		if t, ok := codeText[e.Code]; ok {
			msg = t
		} else if t, ok := pathText[f.Path]; ok {
			msg = t
		}
		if _, dup := out[f.Path]; !dup {
			out[f.Path] = msg
		}
	}
	if len(out) == 0 {
		out["base"] = e.Message
	}
	return out
}

// railsDetail is one entry of a flat 422 body's error_details.
type railsDetail struct {
	Param   string `json:"param"`
	Code    string `json:"code"`
	Message string `json:"message"`
}

// railsBody renders a validation error in the flat Rails shape:
// {field: ["Field message"], "error_details": [{param, code, message}]}.
// The membership is reported as plan_ids, the vendor's internal name.
func railsBody(e *catalog.Error) map[string]any {
	out := map[string]any{}
	details := []railsDetail{}
	fields := e.Fields
	if len(fields) == 0 {
		fields = []catalog.FieldError{{Path: "base", Message: e.Message}}
	}
	for _, f := range fields {
		param := f.Path
		if param == "plans" {
			param = "plan_ids"
		}
		msg := f.Message
		if t, ok := codeText[e.Code]; ok {
			msg = t
		}
		code := "invalid"
		if msg == msgBlank {
			code = "blank"
		}
		text := humanize(param) + " " + msg
		if prev, ok := out[param].([]string); ok {
			out[param] = append(prev, text)
		} else {
			out[param] = []string{text}
		}
		details = append(details, railsDetail{Param: param, Code: code, Message: text})
	}
	out["error_details"] = details
	return out
}

// humanize turns a parameter name into Rails' attribute label:
// "plan_ids" -> "Plan ids".
func humanize(param string) string {
	s := strings.ReplaceAll(param, "_", " ")
	// A whole first rune: a path may start with any key a body sent.
	c, n := utf8.DecodeRuneInString(s)
	if n == 0 {
		return s
	}
	return string(unicode.ToUpper(c)) + s[n:]
}
