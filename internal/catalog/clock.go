package catalog

import "time"

// Clock is a partition's time: the real time, or a test clock's, which
// stands still where it was set until it is set or advanced again.
type Clock struct {
	Now  time.Time
	Test bool // Now is a test clock's
}

// The times a test clock may be set to: within what every engine stores
// and every face renders.
var (
	MinClock = time.Date(1970, 1, 1, 0, 0, 0, 0, time.UTC)
	MaxClock = time.Date(9999, 12, 31, 0, 0, 0, 0, time.UTC)
)
