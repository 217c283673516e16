package store

import (
	"errors"
	"fmt"
	"io"
	"testing"

	"github.com/pricebook/pricebook/internal/catalog"
)

func TestWrap(t *testing.T) {
	if wrap("CreateProduct", nil) != nil {
		t.Error("nil is wrapped")
	}
	domain := catalog.NotFound("Product", "pdt_x")
	if got := wrap("GetProduct", domain); got != error(domain) {
		t.Errorf("a domain error is wrapped: %v", got)
	}
	inner := fmt.Errorf("lock: %w", domain)
	var e *catalog.Error
	if got := wrap("GetProduct", inner); got != inner || !errors.As(got, &e) || e != domain {
		t.Errorf("an error holding a domain error: %v", got)
	}
	got := wrap("CreateProduct", io.ErrUnexpectedEOF)
	if got.Error() != "store: CreateProduct: unexpected EOF" || !errors.Is(got, io.ErrUnexpectedEOF) {
		t.Errorf("an internal error: %v", got)
	}
}
