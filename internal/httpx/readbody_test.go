package httpx_test

import (
	"errors"
	"io"
	"net/http/httptest"
	"os"
	"testing"

	"github.com/pricebook/pricebook/internal/httpx"
)

type failingBody struct{ err error }

func (f failingBody) Read([]byte) (int, error) { return 0, f.err }

// TestReadBodyErrors: a body cut short or too slow is the client's error.
func TestReadBodyErrors(t *testing.T) {
	for cause, want := range map[error]error{
		io.ErrUnexpectedEOF:     httpx.ErrBodyIncomplete,
		os.ErrDeadlineExceeded:  httpx.ErrBodyTimeout,
		errors.New("bad chunk"): httpx.ErrBodyUnreadable,
	} {
		r := httptest.NewRequest("POST", "/", nil)
		r.Body = io.NopCloser(failingBody{cause})
		if _, err := httpx.ReadBody(r); !errors.Is(err, want) {
			t.Errorf("%v: got %v, want %v", cause, err, want)
		}
	}
}
