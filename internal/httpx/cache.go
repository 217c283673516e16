package httpx

import (
	"net/http"
	"strconv"
	"sync"

	"github.com/pricebook/pricebook/internal/catalog"
)

// Versioner reports the version a cached answer of a tenant is valid for
// (about one object, or with object "" any other), and whether versions
// can be trusted at all (see store.Store.ReadVersion).
type Versioner interface {
	ReadVersion(tn catalog.Tenant, object string) (uint64, bool)
}

// ReadCache keeps the rendered bodies of successful reads, each valid for
// exactly the version it was rendered from: a committed write moves the
// versions of what it changed (that object, that tenant's lists) and so
// retires those entries. It is bounded by the bytes it holds; past the
// bound it forgets about half its entries.
type ReadCache struct {
	v   Versioner
	max int
	// Observe, when set, hears of each lookup: a hit or a miss (metrics).
	Observe func(hit bool)

	mu    sync.Mutex
	m     map[string]cachedBody
	bytes int
}

type cachedBody struct {
	version uint64
	body    []byte
}

// DefaultReadCacheMB is the read cache's size unless configured: room for
// the rendered answers of some fifty thousand products (16 MiB held about
// half of the mixed benchmark's 26,000, and its misses went to storage).
const DefaultReadCacheMB = 64

// NewReadCache returns a cache of at most maxBytes of bodies over v.
func NewReadCache(v Versioner, maxBytes int) *ReadCache {
	return &ReadCache{v: v, max: maxBytes}
}

// JSON answers r with 200 and the body cached for it if that is still
// current; otherwise it calls render, answers with its value as WriteJSON
// would and keeps the body for the version read before render ran (so a
// write that commits while render reads retires the entry). The answer
// must depend only on the data, the path, the query as sent and the
// caller's partition tn; object names the product it is about, "" for
// any other answer (a list). A nil cache only renders.
func (c *ReadCache) JSON(w http.ResponseWriter, r *http.Request, tn catalog.Tenant, object string, render func() (any, error)) error {
	var version uint64
	ok := false
	if c != nil {
		version, ok = c.v.ReadVersion(tn, object)
	}
	var key string
	if ok {
		key = tn.String() + "|" + r.URL.Path + "?" + r.URL.RawQuery
		c.mu.Lock()
		e, hit := c.m[key]
		c.mu.Unlock()
		hit = hit && e.version == version
		if c.Observe != nil {
			c.Observe(hit)
		}
		if hit {
			writeBody(w, http.StatusOK, e.body)
			return nil
		}
	}
	v, err := render()
	if err != nil {
		return err
	}
	if !ok {
		return WriteJSON(w, http.StatusOK, v)
	}
	body, err := encodeJSON(v)
	if err != nil {
		return err
	}
	c.put(key, version, body)
	writeBody(w, http.StatusOK, body)
	return nil
}

// entryOverhead is what an entry costs beyond its key and body: the map
// slot, the slice and string headers.
const entryOverhead = 96

func (c *ReadCache) put(key string, version uint64, body []byte) {
	size := len(key) + len(body) + entryOverhead
	if size > c.max/16 {
		return // one answer may not crowd out the rest
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil {
		c.m = make(map[string]cachedBody)
	}
	if old, ok := c.m[key]; ok {
		c.bytes -= len(key) + len(old.body) + entryOverhead
	}
	if c.bytes+size > c.max {
		// Forget about half, chosen by the map's random order.
		n := 0
		for k, e := range c.m {
			if n%2 == 0 {
				delete(c.m, k)
				c.bytes -= len(k) + len(e.body) + entryOverhead
			}
			n++
		}
	}
	c.m[key] = cachedBody{version: version, body: body}
	c.bytes += size
}

func writeBody(w http.ResponseWriter, status int, body []byte) {
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	w.Write(body)
}
