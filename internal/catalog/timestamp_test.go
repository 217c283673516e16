package catalog

import "testing"

// TestParseTimestamp: what the API accepts must come back as RFC 3339.
// An outside probe stored 9999-12-31T23:59:59-23:59 and returned it as
// 10000-01-01T..., and accepted +24:00.
func TestParseTimestamp(t *testing.T) {
	for s, want := range map[string]string{
		"2026-01-02T03:04:05Z":              "2026-01-02T03:04:05Z",
		"2026-01-02T03:04:05.1234567+01:30": "2026-01-02T01:34:05.123456Z",
		"0001-01-01T00:00:00Z":              "0001-01-01T00:00:00Z",
		"9999-12-31T23:59:59Z":              "9999-12-31T23:59:59Z",
		"9999-12-31T00:00:00-23:59":         "9999-12-31T23:59:00Z",
		"9999-12-31T23:59:59-23:59":         "",
		"0000-01-01T00:00:00+23:59":         "",
		"0001-01-01T00:00:00+00:01":         "",
		"2026-01-01T00:00:00+24:00":         "",
		"2026-01-01T00:00:00+23:60":         "",
		"2026-01-01 00:00:00Z":              "",
		"2026-01-01":                        "",
		"":                                  "",
	} {
		got, ok := ParseTimestamp(s)
		if !ok {
			if want != "" {
				t.Errorf("%q refused, want %s", s, want)
			}
			continue
		}
		if out := got.Format("2006-01-02T15:04:05.999999Z07:00"); out != want {
			t.Errorf("%q = %s, want %q", s, out, want)
		}
	}
}
