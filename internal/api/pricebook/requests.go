package pricebook

import (
	"net/http"
	"strconv"
	"time"

	"github.com/pricebook/pricebook/internal/api/face"
	"github.com/pricebook/pricebook/internal/catalog"
	"github.com/pricebook/pricebook/internal/httpx"
)

// requestOut is an inspected request on the wire; the list leaves the
// headers and bodies out.
type requestOut struct {
	RequestID      string            `json:"request_id"`
	At             string            `json:"at"`
	Method         string            `json:"method"`
	Path           string            `json:"path"`
	Query          string            `json:"query"`
	Status         *int              `json:"status"`
	DurationMS     float64           `json:"duration_ms"`
	IdempotencyKey *string           `json:"idempotency_key"`
	Fault          *string           `json:"fault"`
	RequestHeaders map[string]string `json:"request_headers,omitempty"`
	RequestBody    *string           `json:"request_body,omitempty"`
	RequestCut     *bool             `json:"request_body_truncated,omitempty"`
	ResponseBody   *string           `json:"response_body,omitempty"`
	ResponseCut    *bool             `json:"response_body_truncated,omitempty"`
}

func requestResponse(q *httpx.Inspected, full bool) requestOut {
	out := requestOut{RequestID: q.RequestID, At: q.At.Format(time.RFC3339Nano), Method: q.Method, Path: q.Path, Query: q.Query,
		DurationMS: float64(q.Duration.Microseconds()) / 1000, IdempotencyKey: nonEmpty(q.IdempotencyKey), Fault: nonEmpty(q.Fault)}
	if q.Status != 0 {
		out.Status = &q.Status
	}
	if full {
		out.RequestHeaders = httpx.RedactHeaders(q.RequestHeaders)
		req, reqCut := q.Request.Redacted()
		res, resCut := q.Response.Redacted()
		out.RequestBody, out.RequestCut = &req, &reqCut
		out.ResponseBody, out.ResponseCut = &res, &resCut
	}
	return out
}

// errInspectorOff answers the inspector's routes when the server keeps
// no requests.
var errInspectorOff = catalog.Errorf(catalog.KindNotFound, catalog.Missing, "The request inspector is off on this server")

// listRequests answers GET /requests: the partition's recent requests to
// the vendor faces, newest first, as this server saw them.
func (a *API) listRequests(w http.ResponseWriter, r *http.Request) error {
	if a.inspector == nil {
		return errInspectorOff
	}
	limit := defaultLimit
	if s := r.URL.Query().Get("limit"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > maxLimit {
			return invalidParam("limit", "must be an integer from 1 to %d", maxLimit)
		}
		limit = n
	}
	cursor := r.URL.Query().Get("cursor")
	items, more := a.inspector.List(face.Tenant(r), cursor, limit)
	out := listOut[requestOut]{Data: make([]requestOut, 0, len(items))}
	for _, q := range items {
		out.Data = append(out.Data, requestResponse(q, false))
	}
	if more && len(items) > 0 {
		out.NextCursor = &items[len(items)-1].RequestID
	}
	return httpx.WriteJSON(w, http.StatusOK, out)
}

// getRequest answers GET /requests/{request_id}: one request in full.
func (a *API) getRequest(w http.ResponseWriter, r *http.Request) error {
	if a.inspector == nil {
		return errInspectorOff
	}
	q, ok := a.inspector.Get(face.Tenant(r), r.PathValue("request_id"))
	if !ok {
		return catalog.NotFound("Request", r.PathValue("request_id"))
	}
	return httpx.WriteJSON(w, http.StatusOK, requestResponse(q, true))
}
