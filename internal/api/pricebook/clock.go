package pricebook

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/pricebook/pricebook/internal/api/face"
	"github.com/pricebook/pricebook/internal/catalog"
	"github.com/pricebook/pricebook/internal/httpx"
)

// clockOut is a partition's clock on the wire.
type clockOut struct {
	Now       string `json:"now"`
	TestClock bool   `json:"test_clock"`
}

func clockResponse(w http.ResponseWriter, c catalog.Clock) error {
	return httpx.WriteJSON(w, http.StatusOK, clockOut{Now: c.Now.UTC().Format(time.RFC3339Nano), TestClock: c.Test})
}

// getClock answers GET /clock: the time the partition's rules read now.
func (a *API) getClock(w http.ResponseWriter, r *http.Request) error {
	if err := testModeOnly(r, "Test clocks"); err != nil {
		return err
	}
	c, err := a.store.Clock(r.Context(), face.Tenant(r))
	if err != nil {
		return err
	}
	return clockResponse(w, c)
}

// setClock answers POST /clock: {"now": RFC 3339} sets the partition's
// test clock, {"advance": "48h"} moves it on (from the real time when
// none is set); the clock then stands still until set again.
func (a *API) setClock(w http.ResponseWriter, r *http.Request) error {
	if err := testModeOnly(r, "Test clocks"); err != nil {
		return err
	}
	var in struct {
		Now     *string `json:"now"`
		Advance *string `json:"advance"`
	}
	if err := decodeOptional(r, &in); err != nil {
		return err
	}
	var c catalog.Clock
	switch {
	case (in.Now == nil) == (in.Advance == nil):
		return invalidParam("now", "give exactly one of now (an RFC 3339 date-time) and advance (a duration such as 48h or 30d)")
	case in.Now != nil:
		at, err := time.Parse(time.RFC3339Nano, *in.Now)
		if err != nil {
			return invalidParam("now", "must be an RFC 3339 date-time such as 2026-01-02T03:04:05Z")
		}
		if c, err = a.store.SetClock(r.Context(), face.Tenant(r), at); err != nil {
			return err
		}
	default:
		d, ok := parseAdvance(*in.Advance)
		if !ok {
			return invalidParam("advance", "must be a positive duration such as 90s, 48h or 30d")
		}
		var err error
		if c, err = a.store.AdvanceClock(r.Context(), face.Tenant(r), d); err != nil {
			return err
		}
	}
	return clockResponse(w, c)
}

// maxAdvance bounds one advance (about 100 years).
const maxAdvance = 100 * 365 * 24 * time.Hour

// parseAdvance reads a Go duration ("90s", "1h30m") or a whole number of
// days ("30d"); it must be positive.
func parseAdvance(s string) (time.Duration, bool) {
	if days, ok := strings.CutSuffix(s, "d"); ok {
		n, err := strconv.Atoi(days)
		if err != nil || n <= 0 || n > int(maxAdvance/(24*time.Hour)) {
			return 0, false
		}
		return time.Duration(n) * 24 * time.Hour, true
	}
	d, err := time.ParseDuration(s)
	return d, err == nil && d > 0 && d <= maxAdvance
}

// deleteClock answers DELETE /clock: the partition reads the real time
// again.
func (a *API) deleteClock(w http.ResponseWriter, r *http.Request) error {
	if err := testModeOnly(r, "Test clocks"); err != nil {
		return err
	}
	c, err := a.store.DeleteClock(r.Context(), face.Tenant(r))
	if err != nil {
		return err
	}
	return clockResponse(w, c)
}

// testModeOnly refuses a live-mode key what is for tests only.
func testModeOnly(r *http.Request, what string) error {
	if face.Tenant(r).Mode != catalog.ModeTest {
		return catalog.Errorf(catalog.KindForbidden, catalog.Unauthorized, "%s are for test-mode keys only", what)
	}
	return nil
}
