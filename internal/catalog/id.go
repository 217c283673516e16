package catalog

import (
	"crypto/rand"
	"time"
)

// base62 is ordered so that byte order equals numeric order, which keeps
// time-prefixed ids sortable.
const base62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"

// IDGen makes resource ids. Tests may replace it with a deterministic one.
type IDGen func(prefix string) string

// NewID returns prefix followed by 21 base62 characters: 7 encode the
// current millisecond (so ids created in order are inserted in index order,
// which keeps B-tree inserts cheap) and 14 are random (about 83 bits).
func NewID(prefix string) string {
	return prefix + timeRandom(time.Now(), 7, 14)
}

// RandomString returns n random base62 characters from crypto/rand.
func RandomString(n int) string {
	b := make([]byte, n)
	fillRandom(b)
	return string(b)
}

func timeRandom(now time.Time, timeChars, randChars int) string {
	b := make([]byte, timeChars+randChars)
	ms := uint64(now.UnixMilli())
	for i := timeChars - 1; i >= 0; i-- {
		b[i] = base62[ms%62]
		ms /= 62
	}
	fillRandom(b[timeChars:])
	return string(b)
}

// fillRandom fills b with uniformly random base62 characters, rejecting
// bytes that would bias the distribution.
func fillRandom(b []byte) {
	buf := make([]byte, len(b)*2)
	i := 0
	for i < len(b) {
		if _, err := rand.Read(buf); err != nil {
			panic("catalog: crypto/rand failed: " + err.Error())
		}
		for _, c := range buf {
			if c >= 248 { // 248 = 62*4
				continue
			}
			b[i] = base62[c%62]
			i++
			if i == len(b) {
				break
			}
		}
	}
}

// NewUUID returns a random (version 4) UUID string.
func NewUUID() string {
	var u [16]byte
	if _, err := rand.Read(u[:]); err != nil {
		panic("catalog: crypto/rand failed: " + err.Error())
	}
	u[6] = u[6]&0x0f | 0x40
	u[8] = u[8]&0x3f | 0x80
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

// IsUUID reports whether s has the canonical 8-4-4-4-12 hex form.
func IsUUID(s string) bool {
	if len(s) != 36 {
		return false
	}
	for i := 0; i < 36; i++ {
		c := s[i]
		switch i {
		case 8, 13, 18, 23:
			if c != '-' {
				return false
			}
		default:
			if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F') {
				return false
			}
		}
	}
	return true
}
