package catalog

import (
	"strings"
	"time"
)

// ParseTimestamp reads an RFC 3339 date-time at stored precision
// (microseconds, UTC). It accepts only what round-trips: a zone offset
// within ±23:59 (Go's parser also takes +24:00 and :60 minutes) and an
// instant whose UTC year is 0001 to 9999, so that it is written back as
// RFC 3339 (9999-12-31T23:59:59-23:59 is in the year 10000 in UTC).
func ParseTimestamp(s string) (time.Time, bool) {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}, false
	}
	if !strings.HasSuffix(s, "Z") && !strings.HasSuffix(s, "z") {
		off := s[len(s)-6:] // "+hh:mm", as the parse just checked
		if off[1:3] > "23" || off[4:6] > "59" {
			return time.Time{}, false
		}
	}
	t = t.UTC().Truncate(time.Microsecond)
	if y := t.Year(); y < 1 || y > 9999 {
		return time.Time{}, false
	}
	return t, true
}
