package uploads

import (
	"bufio"
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"image"
	_ "image/gif" // image.DecodeConfig reads these formats
	_ "image/jpeg"
	_ "image/png"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"time"

	"gocloud.dev/blob"
	"gocloud.dev/gcerrors"
	_ "golang.org/x/image/webp"

	"github.com/pricebook/pricebook/internal/catalog"
	"github.com/pricebook/pricebook/internal/store"
)

// Where the service's URLs live, outside every vendor's paths.
const (
	UploadPath   = "/_pricebook/uploads/"
	ImagePath    = "/_pricebook/images/"
	DownloadPath = "/_pricebook/downloads/"
)

// Default lifetimes of signed URLs.
const (
	DefaultUploadTTL   = 60 * time.Second // as Dodo's presigned upload URLs
	DefaultDownloadTTL = 15 * time.Minute
)

// Config is how a Service is built.
type Config struct {
	// PublicURL is the base of the URLs handed out, e.g.
	// "https://pricebook.example.com"; no trailing slash.
	PublicURL   string
	UploadTTL   time.Duration // 0 is DefaultUploadTTL
	DownloadTTL time.Duration // 0 is DefaultDownloadTTL
	Log         *slog.Logger
	// Now is the clock URLs are signed and checked by; nil is time.Now.
	Now func() time.Time
}

// Service issues signed URLs and moves bytes between clients and the
// bucket.
type Service struct {
	store  *store.Store
	bucket *Bucket
	secret []byte
	cfg    Config
	now    func() time.Time
}

// New returns the service, reading (or making) the signing secret the
// database keeps for every server.
func New(ctx context.Context, st *store.Store, b *Bucket, cfg Config) (*Service, error) {
	secret, err := st.UploadSecret(ctx)
	if err != nil {
		return nil, err
	}
	if cfg.UploadTTL <= 0 {
		cfg.UploadTTL = DefaultUploadTTL
	}
	if cfg.DownloadTTL <= 0 {
		cfg.DownloadTTL = DefaultDownloadTTL
	}
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	cfg.PublicURL = strings.TrimRight(cfg.PublicURL, "/")
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return &Service{store: st, bucket: b, secret: secret, cfg: cfg, now: cfg.Now}, nil
}

// Token kinds: what a signed URL permits.
const (
	kindUpload   = "u"
	kindDownload = "d"
)

// sign returns the token "kind.id.expiry.signature": the signature is
// HMAC-SHA256 over "kind.id.expiry" with the shared secret.
func (s *Service) sign(kind, id string, ttl time.Duration) string {
	payload := kind + "." + id + "." + strconv.FormatInt(s.now().Add(ttl).Unix(), 10)
	m := hmac.New(sha256.New, s.secret)
	m.Write([]byte(payload))
	return payload + "." + base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// errors of a signed URL
var (
	errBadSignature = &Error{Status: http.StatusForbidden, Code: "SIGNATURE_MISMATCH", Message: "the URL's signature does not match: use the URL exactly as it was handed out"}
	errExpired      = &Error{Status: http.StatusForbidden, Code: "URL_EXPIRED", Message: "the URL has expired: ask for a new one"}
)

// verify checks a token of kind and returns the upload id it names.
func (s *Service) verify(kind, token string) (string, error) {
	parts := strings.Split(token, ".")
	if len(parts) != 4 || parts[0] != kind {
		return "", errBadSignature
	}
	// Strict: a signature with other padding bits is another string, so any
	// change to the token is refused (the last character holds two of them).
	sig, err := base64.RawURLEncoding.Strict().DecodeString(parts[3])
	if err != nil {
		return "", errBadSignature
	}
	m := hmac.New(sha256.New, s.secret)
	m.Write([]byte(strings.Join(parts[:3], ".")))
	if !hmac.Equal(sig, m.Sum(nil)) {
		return "", errBadSignature
	}
	exp, err := strconv.ParseInt(parts[2], 10, 64)
	if err != nil {
		return "", errBadSignature
	}
	if s.now().Unix() >= exp {
		return "", errExpired
	}
	return parts[1], nil
}

// UploadURL is the signed URL the bytes of u are PUT to, valid for the
// upload lifetime.
func (s *Service) UploadURL(u *catalog.Upload) string {
	return s.cfg.PublicURL + UploadPath + s.sign(kindUpload, u.ID, s.cfg.UploadTTL)
}

// ImageURL is the public URL an image is served at.
func (s *Service) ImageURL(id string) string { return s.cfg.PublicURL + ImagePath + id }

// DownloadURL is a signed URL a file is downloaded from, and its
// lifetime in seconds.
func (s *Service) DownloadURL(id string) (string, int64) {
	return s.cfg.PublicURL + DownloadPath + s.sign(kindDownload, id, s.cfg.DownloadTTL), int64(s.cfg.DownloadTTL / time.Second)
}

// Error is a refusal of the service's own endpoints (and of bytes handed
// to Put), answered as JSON {code, message}.
type Error struct {
	Status  int
	Code    string
	Message string
}

func (e *Error) Error() string { return e.Message }

// TooLarge is the refusal of bytes over max.
func TooLarge(max int64) *Error {
	return &Error{Status: http.StatusRequestEntityTooLarge, Code: "UPLOAD_TOO_LARGE",
		Message: fmt.Sprintf("the upload is larger than %d bytes", max)}
}

var errNotImage = &Error{Status: http.StatusUnprocessableEntity, Code: "NOT_AN_IMAGE",
	Message: "the upload is not a PNG, JPEG, GIF or WebP image"}

// Stored is what Put wrote.
type Stored struct {
	Key         string
	Size        int64
	ContentType string
	SHA256      string
}

// sniffBytes is how much of an image is looked at to know its format
// and dimensions.
const sniffBytes = 256 << 10

// Put streams r to a new blob for upload id, at most max bytes, and
// returns where it went. An image (purpose catalog.UploadImage) must be
// a PNG, JPEG, GIF or WebP whose header decodes (its content type is
// the decoded format's, whatever the client said); a file takes the
// client's contentType if it is a valid media type, else a sniffed one.
// Nothing is left in the bucket on error.
func (s *Service) Put(ctx context.Context, id, purpose string, r io.Reader, max int64, contentType string) (*Stored, error) {
	br := bufio.NewReaderSize(r, sniffBytes)
	head, err := br.Peek(sniffBytes)
	if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, bufio.ErrBufferFull) {
		return nil, readError(err, max)
	}
	if int64(len(head)) > max {
		return nil, TooLarge(max)
	}
	if purpose == catalog.UploadImage {
		_, format, err := image.DecodeConfig(bytes.NewReader(head))
		if err != nil {
			return nil, errNotImage
		}
		contentType = "image/" + format
	} else if mt, params, err := mime.ParseMediaType(contentType); err != nil || mt == "multipart/form-data" {
		contentType = http.DetectContentType(head)
	} else {
		contentType = mime.FormatMediaType(mt, params)
	}
	out := &Stored{Key: "uploads/" + id + "/" + catalog.RandomString(16), ContentType: contentType}
	wctx, cancel := context.WithCancel(ctx)
	defer cancel()
	w, err := s.bucket.NewWriter(wctx, out.Key, &blob.WriterOptions{ContentType: contentType})
	if err != nil {
		return nil, err
	}
	sum := sha256.New()
	n, err := io.Copy(io.MultiWriter(w, sum), io.LimitReader(br, max+1))
	if err == nil && n > max {
		err = TooLarge(max)
	}
	if err != nil {
		cancel() // aborts the write: nothing is stored
		w.Close()
		return nil, readError(err, max)
	}
	if err := w.Close(); err != nil {
		return nil, err
	}
	if err := s.bucket.sync(out.Key); err != nil {
		s.Delete(context.WithoutCancel(ctx), out.Key)
		return nil, err
	}
	out.Size, out.SHA256 = n, hex.EncodeToString(sum.Sum(nil))
	return out, nil
}

// readError says what went wrong reading a client's bytes.
func readError(err error, max int64) error {
	var e *Error
	var mb *http.MaxBytesError
	switch {
	case errors.As(err, &e):
		return e
	case errors.As(err, &mb):
		return TooLarge(max)
	}
	return &Error{Status: http.StatusBadRequest, Code: "BAD_REQUEST", Message: "the upload could not be read: " + err.Error()}
}

// Delete removes a blob, logging (not returning) a failure: a blob
// left behind is garbage, never a broken object.
func (s *Service) Delete(ctx context.Context, key string) {
	if key == "" {
		return
	}
	if err := s.bucket.Delete(ctx, key); err != nil && gcerrors.Code(err) != gcerrors.NotFound {
		s.cfg.Log.Warn("uploads: removing a blob", "key", key, "err", err)
	}
}

// Prune removes the uploads never attached that were made more than
// store.UploadKeep ago, rows first, then their blobs.
func (s *Service) Prune(ctx context.Context) (int, error) {
	gone, err := s.store.PruneUploads(ctx, s.now().Add(-store.UploadKeep))
	for _, g := range gone {
		s.Delete(ctx, g.BlobKey)
	}
	return len(gone), err
}

// OrphanAge is how old a blob no upload names must be before the sweep
// removes it: well past the moment between a blob's write and its row's.
const OrphanAge = time.Hour

// sweepBatch is how many blob keys one query asks about.
const sweepBatch = 200

// SweepOrphans removes the blobs that no upload names and that are older
// than OrphanAge: left behind when a server died between removing rows
// and their blobs, or a blob's removal failed. It lists the whole bucket,
// so serve runs it rarely; two servers sweeping at once only repeat each
// other's deletes.
func (s *Service) SweepOrphans(ctx context.Context) (int, error) {
	cutoff := s.now().Add(-OrphanAge)
	removed := 0
	var batch []string
	flush := func() error {
		used, err := s.store.BlobKeysInUse(ctx, batch)
		if err != nil {
			return err
		}
		for _, k := range batch {
			if !used[k] {
				s.Delete(ctx, k)
				removed++
			}
		}
		batch = batch[:0]
		return nil
	}
	it := s.bucket.List(&blob.ListOptions{Prefix: "uploads/"})
	for {
		o, err := it.Next(ctx)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return removed, err
		}
		if o.IsDir || !o.ModTime.Before(cutoff) {
			continue
		}
		if batch = append(batch, o.Key); len(batch) == sweepBatch {
			if err := flush(); err != nil {
				return removed, err
			}
		}
	}
	return removed, flush()
}
