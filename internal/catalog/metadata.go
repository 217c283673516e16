package catalog

import (
	"bytes"
	"encoding/json"
	"strconv"
	"unicode/utf8"
)

// Metadata limits.
const (
	MaxMetadataKeys     = 50
	MaxMetadataKeyLen   = 40
	MaxMetadataValueLen = 500
)

// Metadata is a flat map of string, number or boolean values. Values are
// kept as raw JSON so that numbers round-trip exactly.
type Metadata map[string]json.RawMessage

// ValidateMetadata checks the documented metadata limits, recording problems
// under path.
func ValidateMetadata(p *Problems, path string, m Metadata) {
	if len(m) > MaxMetadataKeys {
		p.AddReason(TooManyMetadataKeys, path, "at most %d keys are allowed, got %d", MaxMetadataKeys, len(m))
		return
	}
	for k, v := range m {
		kp := path + "." + k
		if k == "" || utf8.RuneCountInString(k) > MaxMetadataKeyLen {
			p.Add(path, "key %q must be 1 to %d characters", k, MaxMetadataKeyLen)
			continue
		}
		if !validMetadataKey(k) {
			p.Add(path, "key %q may contain only letters, digits, '-' and '_'", k)
			continue
		}
		v = bytes.TrimSpace(v)
		if len(v) == 0 {
			p.Add(kp, "must be a string, number or boolean")
			continue
		}
		switch v[0] {
		case '"':
			var s string
			if err := json.Unmarshal(v, &s); err != nil {
				p.Add(kp, "must be a string, number or boolean")
			} else if utf8.RuneCountInString(s) > MaxMetadataValueLen {
				p.Add(kp, "must be at most %d characters", MaxMetadataValueLen)
			}
		case 't', 'f':
			if string(v) != "true" && string(v) != "false" {
				p.Add(kp, "must be a string, number or boolean")
			}
		default:
			if _, err := strconv.ParseFloat(string(v), 64); err != nil || len(v) > MaxMetadataValueLen {
				p.Add(kp, "must be a string, number or boolean")
			}
		}
	}
}

func validMetadataKey(k string) bool {
	for i := 0; i < len(k); i++ {
		c := k[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}
