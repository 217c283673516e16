package dodo

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"

	"github.com/pricebook/pricebook/internal/api/face"
	"github.com/pricebook/pricebook/internal/catalog"
	"github.com/pricebook/pricebook/internal/httpx"
)

// errorBody is the Dodo Payments error envelope.
type errorBody struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

// statusOf maps each core error kind to its status. A reason does not
// decide the status: the same one is 410 for the resource a request acts
// on and 422 for one it refers to.
var statusOf = map[catalog.Kind]int{
	catalog.KindInvalid:      http.StatusUnprocessableEntity,
	catalog.KindNotFound:     http.StatusNotFound,
	catalog.KindConflict:     http.StatusConflict,
	catalog.KindGone:         http.StatusGone,
	catalog.KindUnauthorized: http.StatusUnauthorized,
	catalog.KindForbidden:    http.StatusForbidden,
}

// wire is how the face answers one reason: its code and, where the face
// words it otherwise, its message.
type wire struct {
	code    string
	message string
}

// wireOf is the face's answer to every reason, the domain's and the HTTP
// layer's, in one table.
var wireOf = map[fmt.Stringer]wire{
	catalog.Invalid:                     {code: "INVALID_REQUEST_BODY"},
	catalog.InvalidFilter:               {code: "INVALID_QUERY_PARAMS"},
	catalog.Missing:                     {code: "NOT_FOUND"},
	catalog.Unauthorized:                {code: "UNAUTHORIZED"},
	catalog.TooManyMetadataKeys:         {code: "MAXIMUM_KEYS_REACHED"},
	catalog.BrandArchived:               {code: "BRAND_NOT_ENABLED"},
	catalog.BrandAlreadyArchived:        {code: "BRAND_ALREADY_ARCHIVED"},
	catalog.PrimaryBrandLocked:          {code: "UNABLE_TO_EDIT_PRIMARY_BRAND"},
	catalog.ProductArchived:             {code: "PRODUCT_IS_DELETED"},
	catalog.DuplicateAddon:              {code: "DUPLICATE_ADDON_IDS_IN_REQUEST"},
	catalog.DuplicateMeter:              {code: "DUPLICATE_METER_IDS_IN_REQUEST"},
	catalog.SuggestedPriceBelowPrice:    {code: "INVALID_SUGGESTED_PRICE"},
	catalog.UnknownAddon:                {code: "MISSING_ADDON_IDS"},
	catalog.UnknownMeter:                {code: "MISSING_METER_IDS"},
	catalog.MeterArchived:               {code: "METER_IS_DELETED"},
	catalog.UnknownEntitlement:          {code: "MISSING_ENTITLEMENT_IDS"},
	catalog.UnknownCreditEntitlement:    {code: "MISSING_CREDIT_ENTITLEMENT_IDS"},
	catalog.CreditEntitlementDeleted:    {code: "CREDIT_ENTITLEMENT_IS_DELETED"},
	catalog.CreditEntitlementNotDeleted: {code: "CREDIT_ENTITLEMENT_NOT_DELETED"},
	catalog.CreditEntitlementNameTaken:  {code: "CREDIT_ENTITLEMENT_NAME_ALREADY_EXISTS"},
	catalog.CollectionArchived:          {code: "PRODUCT_COLLECTION_IS_DELETED"},
	catalog.CollectionEmpty:             {code: "PRODUCT_COLLECTION_MUST_HAVE_PRODUCTS"},
	catalog.ProductInOtherCollection:    {code: "PRODUCT_ALREADY_IN_COLLECTION"},
	catalog.GroupNameTaken:              {code: "GROUP_NAME_ALREADY_EXISTS"},
	catalog.DiscountCodeTaken:           {code: "DISCOUNT_CODE_ALREADY_EXISTS"},
	catalog.DiscountExpired:             {code: "DISCOUNT_CODE_EXPIRED"},
	catalog.DiscountNotYetActive:        {code: "DISCOUNT_NOT_YET_ACTIVE"},
	catalog.DiscountUsedUp:              {code: "DISCOUNT_CODE_USAGE_LIMIT_EXCEEDED"},
	catalog.DiscountTypeUnsupported:     {code: "UNSUPPORTED_DISCOUNT_TYPE"},
	catalog.PercentageOverFull:          {code: "INVALID_PERCENTAGE"},
	catalog.CurrencyOptionInvalid:       {code: "DISCOUNT_CURRENCY_OPTION_INVALID"},
	catalog.NotDigitalFiles:             {code: "ENTITLEMENT_NOT_DIGITAL_FILES"},

	catalog.PricingModeRequired:          {code: "PRODUCT_PRICING_MODE_REQUIRED"},
	catalog.LocalizedPriceTaken:          {code: "LOCALIZED_PRICE_ALREADY_EXISTS"},
	catalog.LocalizedPriceDuplicatesBase: {code: "LOCALIZED_PRICE_DUPLICATES_BASE"},
	catalog.LocalizedPriceShapeMismatch:  {code: "LOCALIZED_PRICE_SHAPE_MISMATCH"},
	catalog.LocalizedPriceNotApplicable:  {code: "LOCALIZED_PRICE_NOT_APPLICABLE"},

	// The ChartMogul face's resources; this face never answers them.
	catalog.DataSourceNotFound:      {code: "DATA_SOURCE_NOT_FOUND"},
	catalog.DataSourceNameTaken:     {code: "DATA_SOURCE_NAME_TAKEN"},
	catalog.DataSourceRequired:      {code: "INVALID_REQUEST_BODY"},
	catalog.UnknownDataSource:       {code: "DATA_SOURCE_UNKNOWN"},
	catalog.PlanNotFound:            {code: "PLAN_NOT_FOUND"},
	catalog.PlanExternalIDTaken:     {code: "PLAN_EXTERNAL_ID_TAKEN"},
	catalog.IntervalUnitUnsupported: {code: "INVALID_REQUEST_BODY"},
	catalog.PlanGroupNotFound:       {code: "PLAN_GROUP_NOT_FOUND"},
	catalog.PlanGroupEmpty:          {code: "PLAN_GROUP_PLANS_BLANK"},

	// Pricebook's own face's; this face never answers it.
	catalog.WebhookDisabled: {code: "WEBHOOK_DISABLED"},

	catalog.SlugTaken: {code: "SLUG_ALREADY_TAKEN"},

	httpx.BodyTooLarge:          {code: "REQUEST_TOO_LARGE", message: "request body is larger than " + strconv.Itoa(face.MaxBodyBytes) + " bytes"},
	httpx.RateLimited:           {code: "TOO_MANY_REQUESTS"},
	httpx.BadRequest:            {code: "BAD_REQUEST"}, // not raised by this face
	httpx.IdempotencyKeyTooLong: {code: "INVALID_IDEMPOTENCY_KEY"},
	httpx.IdempotencyKeyReused:  {code: "IDEMPOTENCY_KEY_REUSED"},
	httpx.IdempotencyInFlight:   {code: "IDEMPOTENCY_REQUEST_IN_PROGRESS"},
	httpx.IdempotencyKeyInvalid: {code: "INVALID_IDEMPOTENCY_KEY"},
	httpx.BodyIncomplete:        {code: "BAD_REQUEST"},
	httpx.BodyUnreadable:        {code: "BAD_REQUEST"},
	httpx.BodyTimeout:           {code: "REQUEST_TIMEOUT"},
	httpx.MethodNotAllowed:      {code: "METHOD_NOT_ALLOWED"},
	httpx.ServerError:           {code: "INTERNAL_SERVER_ERROR"},
	httpx.BadGateway:            {code: "BAD_GATEWAY"},
	httpx.Unavailable:           {code: "SERVICE_UNAVAILABLE"},
	httpx.GatewayTimeout:        {code: "GATEWAY_TIMEOUT"},
	httpx.FaultInvalid:          {code: "INVALID_FAULT"},     // Pricebook's own (test mode)
	httpx.FaultForbidden:        {code: "FAULT_NOT_ALLOWED"}, // Pricebook's own (test mode)
	httpx.UploadTooLarge:        {code: "FILE_TOO_LARGE"},
}

// writeError writes err in the Dodo envelope. Internal errors are logged
// and answered with a generic message; their details never reach clients.
func (a *API) writeError(w http.ResponseWriter, r *http.Request, err error) {
	var (
		e         *catalog.Error
		he        *httpx.Error
		status    int
		reason    fmt.Stringer
		body      errorBody
		retryable bool
	)
	switch {
	case errors.As(err, &he):
		status, reason, body.Message, retryable = he.Status, he.Reason, he.Message, he.Retryable
	case errors.As(err, &e):
		status, reason, body.Message = statusOf[e.Kind], e.Reason, e.Message
		if status == 0 {
			status = http.StatusInternalServerError
		}
		retryable = e.Retryable || e.Kind == catalog.KindInternal
	default:
		a.log.Error("internal error", "request_id", httpx.RequestID(r.Context()), "method", r.Method, "path", r.URL.Path, "err", err)
		httpx.WriteJSON(w, http.StatusInternalServerError, errorBody{Code: "INTERNAL_SERVER_ERROR",
			Message: "Something went wrong; the request id is " + httpx.RequestID(r.Context())})
		return
	}
	wr := wireOf[reason]
	body.Code = wr.code
	if wr.message != "" {
		body.Message = wr.message
	}
	// The SDKs retry 409 and 5xx unless told not to; a deterministic
	// answer would only come back the same.
	if !retryable && (status == http.StatusConflict || status >= 500) {
		w.Header().Set("X-Should-Retry", "false")
	}
	httpx.WriteJSON(w, status, body)
}
