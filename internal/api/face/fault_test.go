package face

import (
	"strings"
	"testing"
	"time"
)

func TestParseFault(t *testing.T) {
	for in, want := range map[string]Fault{
		"status=503; retry-after=2": {Status: 503, RetryAfter: 2},
		"STATUS=429;Retry-After=0":  {Status: 429},
		"delay=300ms":               {Delay: 300 * time.Millisecond},
		"drop":                      {Drop: true},
		"after-commit; status=500":  {AfterCommit: true, Status: 500},
		"after-commit; drop":        {AfterCommit: true, Drop: true},
		"delay=1s; status=502":      {Delay: time.Second, Status: 502},
	} {
		got, err := ParseFault(in)
		if err != nil || got != want {
			t.Errorf("%q: %+v %v, want %+v", in, got, err, want)
		}
		if again, err := ParseFault(got.String()); err != nil || again != got {
			t.Errorf("%q does not round-trip: %q", in, got.String())
		}
	}
	for in, says := range map[string]string{
		"":                          "empty",
		"status=418":                "status must be",
		"status":                    "needs a value",
		"drop=1":                    "takes no value",
		"status=503; status=500":    "twice",
		"retry-after=2":             "goes with status=429",
		"status=500; retry-after=2": "goes with status=429",
		"drop; status=500":          "exclude",
		"after-commit":              "needs status",
		"delay=forever":             "delay must be",
		"delay=1h":                  "delay must be",
		"teleport":                  "unknown parameter",
	} {
		if _, err := ParseFault(in); err == nil || !strings.Contains(err.Error(), says) {
			t.Errorf("%q: %v, want an error saying %q", in, err, says)
		}
	}
}
