package catalog

import (
	"crypto/rand"
	"time"
)

// gregorianOffset is the number of 100 ns intervals between the UUID epoch
// (1582-10-15) and the Unix epoch.
const gregorianOffset = 0x01b21dd213814000

// NewTimeUUID returns a time-based (version 1) UUID string for now. The
// clock sequence and node are random (the node with its multicast bit set,
// as RFC 9562 asks when no hardware address is used), so two calls in the
// same 100 ns still differ.
func NewTimeUUID(now time.Time) string {
	var u [16]byte
	if _, err := rand.Read(u[8:]); err != nil {
		panic("catalog: crypto/rand failed: " + err.Error())
	}
	ts := uint64(now.UnixNano()/100) + gregorianOffset
	u[0], u[1], u[2], u[3] = byte(ts>>24), byte(ts>>16), byte(ts>>8), byte(ts)
	u[4], u[5] = byte(ts>>40), byte(ts>>32)
	u[6], u[7] = byte(ts>>56)&0x0f|0x10, byte(ts>>48)
	u[8] = u[8]&0x3f | 0x80
	u[10] |= 0x01
	return formatUUID(u)
}

// formatUUID renders 16 bytes in the canonical 8-4-4-4-12 hex form.
func formatUUID(u [16]byte) string {
	const hex = "0123456789abcdef"
	out := make([]byte, 0, 36)
	for i, c := range u {
		if i == 4 || i == 6 || i == 8 || i == 10 {
			out = append(out, '-')
		}
		out = append(out, hex[c>>4], hex[c&0xf])
	}
	return string(out)
}
