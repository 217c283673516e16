package catalog

import (
	"encoding/hex"
	"strings"
	"testing"
	"time"
)

// TestNewTimeUUID checks the version 1 layout and that the timestamp
// decodes back to the time given.
func TestNewTimeUUID(t *testing.T) {
	at := time.Date(2023, 10, 30, 2, 27, 28, 35592100, time.UTC)
	seen := map[string]bool{}
	for i := 0; i < 1000; i++ {
		u := NewTimeUUID(at)
		if !IsUUID(u) || u[14] != '1' || !strings.ContainsRune("89ab", rune(u[19])) {
			t.Fatalf("not a version 1 RFC 9562 UUID: %s", u)
		}
		if seen[u] {
			t.Fatalf("repeated %s", u)
		}
		seen[u] = true
		b, _ := hex.DecodeString(strings.ReplaceAll(u, "-", ""))
		ts := uint64(b[6]&0x0f)<<56 | uint64(b[7])<<48 | uint64(b[4])<<40 | uint64(b[5])<<32 |
			uint64(b[0])<<24 | uint64(b[1])<<16 | uint64(b[2])<<8 | uint64(b[3])
		if got := time.Unix(0, int64(ts-gregorianOffset)*100).UTC(); !got.Equal(at) {
			t.Fatalf("timestamp %v, want %v", got, at)
		}
		if b[10]&1 != 1 {
			t.Fatalf("node multicast bit unset: %s", u)
		}
	}
}
