package chartmogul

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/pricebook/pricebook/internal/api/face"
	"github.com/pricebook/pricebook/internal/catalog"
	"github.com/pricebook/pricebook/internal/httpx"
)

// badRequest returns the face's own 400 for a malformed request (a
// missing required key, a malformed body or query parameter), naming
// param ("" for none): the vendor answers those with {code, message,
// param}.
func badRequest(param, message string) error {
	return &httpx.Error{Status: http.StatusBadRequest, Reason: httpx.BadRequest, Message: message, Param: param}
}

// errUnauthorized is every authentication and permission failure: the
// vendor has one recorded body for them.
var errUnauthorized = catalog.Errorf(catalog.KindUnauthorized, catalog.Unauthorized, "No valid API key provided")

// statusOf maps each core error kind to its status. Invalid and
// conflicting input are both 422: the clients key off the status, and the
// vendor reports taken names and ids as validation errors.
var statusOf = map[catalog.Kind]int{
	catalog.KindInvalid:      http.StatusUnprocessableEntity,
	catalog.KindConflict:     http.StatusUnprocessableEntity,
	catalog.KindNotFound:     http.StatusNotFound,
	catalog.KindGone:         http.StatusNotFound,
	catalog.KindUnauthorized: http.StatusUnauthorized,
	catalog.KindForbidden:    http.StatusUnauthorized,
}

// wordsOf is the vendor's recorded words for every reason, the domain's
// and the HTTP layer's, in one table: the 404 body's text for a missing
// resource, the 422 message of a field with that reason, the message of
// a 4xx. "" keeps the core's own words (and "Not found" for a 404).
var wordsOf = map[fmt.Stringer]string{
	catalog.Invalid:                     "",
	catalog.InvalidFilter:               "",
	catalog.Missing:                     "Not found",
	catalog.Unauthorized:                "",
	catalog.TooManyMetadataKeys:         "",
	catalog.BrandArchived:               "",
	catalog.BrandAlreadyArchived:        "",
	catalog.PrimaryBrandLocked:          "",
	catalog.ProductArchived:             "",
	catalog.DuplicateAddon:              "",
	catalog.DuplicateMeter:              "",
	catalog.SuggestedPriceBelowPrice:    "",
	catalog.UnknownAddon:                "",
	catalog.UnknownMeter:                "",
	catalog.MeterArchived:               "",
	catalog.UnknownEntitlement:          "",
	catalog.UnknownCreditEntitlement:    "",
	catalog.CreditEntitlementDeleted:    "",
	catalog.CreditEntitlementNotDeleted: "",
	catalog.CreditEntitlementNameTaken:  "",
	catalog.CollectionArchived:          "",
	catalog.CollectionEmpty:             "",
	catalog.ProductInOtherCollection:    "",
	catalog.GroupNameTaken:              "",
	catalog.DiscountCodeTaken:           "",
	catalog.DiscountExpired:             "",
	catalog.DiscountNotYetActive:        "",
	catalog.DiscountUsedUp:              "",
	catalog.DiscountTypeUnsupported:     "",
	catalog.PercentageOverFull:          "",
	catalog.CurrencyOptionInvalid:       "",
	catalog.DataSourceNotFound:          "Data source not found",
	catalog.DataSourceNameTaken:         "Has already been taken.",
	catalog.DataSourceRequired:          msgPlanDataSource,
	catalog.UnknownDataSource:           msgPlanDataSource,
	catalog.PlanNotFound:                "Plan not found",
	catalog.PlanExternalIDTaken:         "A plan with this identifier already exists in our system.",
	catalog.IntervalUnitUnsupported:     msgIntervalUnit,
	catalog.PlanGroupNotFound:           "Plan group not found",
	catalog.PlanGroupEmpty:              msgBlank,
	catalog.WebhookDisabled:             "",
	catalog.SlugTaken:                   "",

	// The Dodo face's localized prices; this face never answers them.
	catalog.PricingModeRequired:          "",
	catalog.LocalizedPriceTaken:          "",
	catalog.LocalizedPriceDuplicatesBase: "",
	catalog.LocalizedPriceShapeMismatch:  "",
	catalog.LocalizedPriceNotApplicable:  "",
	catalog.NotDigitalFiles:              "", // the Dodo face's; never answered here

	httpx.BodyTooLarge:          "Request body is larger than " + strconv.Itoa(face.MaxBodyBytes) + " bytes",
	httpx.RateLimited:           "",
	httpx.BadRequest:            "",
	httpx.IdempotencyKeyTooLong: "",
	httpx.IdempotencyKeyReused:  "",
	httpx.IdempotencyInFlight:   "",
	httpx.IdempotencyKeyInvalid: "",
	httpx.BodyIncomplete:        "Request body ended before its Content-Length",
	httpx.BodyUnreadable:        "Request body could not be read",
	httpx.BodyTimeout:           "Request body did not arrive in time",
	httpx.MethodNotAllowed:      "",
	httpx.ServerError:           "",
	httpx.BadGateway:            "",
	httpx.Unavailable:           "Too many connections: at most 20 parallel connections per account",
	httpx.GatewayTimeout:        "",
	httpx.FaultInvalid:          "",
	httpx.FaultForbidden:        "",
	httpx.UploadTooLarge:        "", // the Dodo face's; never answered here
}

// words returns the vendor's words for reason, else def.
func words(reason fmt.Stringer, def string) string {
	if w := wordsOf[reason]; w != "" {
		return w
	}
	return def
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
		var e *catalog.Error
		var he *httpx.Error
		if errors.As(err, &he) {
			var param *string
			if he.Param != "" {
				param = &he.Param
			}
			httpx.WriteJSON(w, he.Status, codeBody{Code: he.Status, Message: words(he.Reason, he.Message), Param: param})
			return
		}
		if !errors.As(err, &e) {
			a.log.Error("internal error", "request_id", httpx.RequestID(r.Context()), "method", r.Method, "path", r.URL.Path, "err", err)
			httpx.WriteJSON(w, http.StatusInternalServerError, codeBody{Code: http.StatusInternalServerError,
				Message: "Internal error; the request id is " + httpx.RequestID(r.Context())})
			return
		}
		status, ok := statusOf[e.Kind]
		if !ok {
			status = http.StatusInternalServerError
		}
		if e.Kind == catalog.KindConflict && e.Retryable {
			status = http.StatusConflict // worth a retry, unlike a validation error
		}
		switch {
		case status == http.StatusNotFound:
			httpx.WriteJSON(w, status, map[string]string{"error": words(e.Reason, "Not found")})
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
		if _, dup := out[f.Path]; !dup {
			out[f.Path] = words(f.Reason, f.Message)
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
		msg := words(f.Reason, f.Message)
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
