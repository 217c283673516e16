package uploads

import (
	"fmt"
	"testing"
	"time"
)

// TestAnyChangeToATokenIsRefused: a token verifies as handed out, and
// with any other last character it does not, although that character
// holds two bits base64 does not use (a lenient decoder read some of
// those tokens as the same signature).
func TestAnyChangeToATokenIsRefused(t *testing.T) {
	s := &Service{secret: []byte("a secret of the test"), now: time.Now}
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
	for i := range 100 {
		id := fmt.Sprint("upload-", i)
		token := s.sign(kindUpload, id, time.Minute)
		if got, err := s.verify(kindUpload, token); err != nil || got != id {
			t.Fatalf("the token as handed out: %q %v", got, err)
		}
		last := token[len(token)-1]
		for _, c := range []byte(alphabet) {
			if c == last {
				continue
			}
			if _, err := s.verify(kindUpload, token[:len(token)-1]+string(c)); err != errBadSignature {
				t.Fatalf("%s with last character %c: %v", token, c, err)
			}
		}
	}
}
