package uploads

import (
	"errors"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/pricebook/pricebook/internal/catalog"
	"github.com/pricebook/pricebook/internal/httpx"
)

// uploadReadTimeout is how long a client may take to send an upload's
// bytes (the server's read timeout is for API requests).
const uploadReadTimeout = 15 * time.Minute

// Handler serves the service's three kinds of URL, none of which takes
// an API key: the signed upload and download URLs carry their own
// permission, and image URLs are public, as the real API's are.
func (s *Service) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.Handle("PUT "+UploadPath+"{token}", s.adapt(s.upload))
	mux.Handle("GET "+ImagePath+"{id}", s.adapt(s.image))
	mux.Handle("GET "+DownloadPath+"{token}", s.adapt(s.download))
	mux.Handle("/", s.adapt(func(w http.ResponseWriter, r *http.Request) error {
		return &Error{Status: http.StatusNotFound, Code: "NOT_FOUND", Message: "No route for " + r.Method + " " + r.URL.Path}
	}))
	return mux
}

// adapt answers a handler's error as JSON {code, message}.
func (s *Service) adapt(h func(http.ResponseWriter, *http.Request) error) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		err := h(w, r)
		if err == nil {
			return
		}
		var e *Error
		var ce *catalog.Error
		switch {
		case errors.As(err, &e):
		case errors.As(err, &ce) && ce.Kind == catalog.KindNotFound:
			e = &Error{Status: http.StatusNotFound, Code: "NOT_FOUND", Message: ce.Message}
		default:
			s.cfg.Log.Error("uploads", "method", r.Method, "path", r.URL.Path, "err", err)
			e = &Error{Status: http.StatusInternalServerError, Code: "INTERNAL_SERVER_ERROR", Message: "internal error"}
		}
		if e.Status == http.StatusRequestEntityTooLarge {
			// Do not read the rest of a body that is refused.
			w.Header().Set("Connection", "close")
		}
		httpx.WriteJSON(w, e.Status, map[string]string{"code": e.Code, "message": e.Message})
	})
}

// MaxOf is the most bytes an upload of purpose may hold.
func MaxOf(purpose string) int64 {
	if purpose == catalog.UploadImage {
		return catalog.MaxImageBytes
	}
	return catalog.MaxFileBytes
}

// upload takes the bytes of a signed upload URL: PUT, the whole object
// as the body (as to a presigned S3 URL). 200 {id, size, content_type}.
// The blob is written, then its row records it; an earlier upload's
// bytes are removed only after that committed.
func (s *Service) upload(w http.ResponseWriter, r *http.Request) error {
	id, err := s.verify(kindUpload, r.PathValue("token"))
	if err != nil {
		return err
	}
	up, err := s.store.GetUpload(r.Context(), id)
	if err != nil {
		return err
	}
	max := MaxOf(up.Purpose)
	if r.ContentLength > max {
		return TooLarge(max)
	}
	_ = http.NewResponseController(w).SetReadDeadline(time.Now().Add(uploadReadTimeout))
	st, err := s.Put(r.Context(), up.ID, up.Purpose, r.Body, max, r.Header.Get("Content-Type"))
	if err != nil {
		return err
	}
	old, err := s.store.StoreUpload(r.Context(), up.ID, st.Key, st.Size, st.ContentType, st.SHA256)
	if err != nil {
		s.Delete(r.Context(), st.Key)
		return err
	}
	s.Delete(r.Context(), old)
	w.Header().Set("ETag", `"`+st.SHA256+`"`)
	return httpx.WriteJSON(w, http.StatusOK, map[string]any{"id": up.ID, "size": st.Size, "content_type": st.ContentType})
}

// image serves an attached image: public, revalidated by its ETag (the
// bytes' SHA-256), since an upload without force_update replaces an
// image's bytes under the same URL.
func (s *Service) image(w http.ResponseWriter, r *http.Request) error {
	up, err := s.store.GetUpload(r.Context(), r.PathValue("id"))
	if err != nil || up.Purpose != catalog.UploadImage || !up.Stored() || up.AttachedAt == nil {
		return &Error{Status: http.StatusNotFound, Code: "NOT_FOUND", Message: "Image not found"}
	}
	etag := `"` + up.SHA256 + `"`
	w.Header().Set("ETag", etag)
	w.Header().Set("Cache-Control", "public, no-cache")
	if matchesETag(r.Header.Get("If-None-Match"), etag) {
		w.WriteHeader(http.StatusNotModified)
		return nil
	}
	return s.serveBlob(w, r, up)
}

// download serves a file by its signed download URL.
func (s *Service) download(w http.ResponseWriter, r *http.Request) error {
	id, err := s.verify(kindDownload, r.PathValue("token"))
	if err != nil {
		return err
	}
	up, err := s.store.GetUpload(r.Context(), id)
	if err != nil || !up.Stored() {
		return &Error{Status: http.StatusNotFound, Code: "NOT_FOUND", Message: "File not found"}
	}
	w.Header().Set("Cache-Control", "private, no-store")
	if up.FileName != "" {
		w.Header().Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": up.FileName}))
	}
	return s.serveBlob(w, r, up)
}

func (s *Service) serveBlob(w http.ResponseWriter, r *http.Request, up *catalog.Upload) error {
	rd, err := s.bucket.NewReader(r.Context(), up.BlobKey, nil)
	if err != nil {
		return err
	}
	defer rd.Close()
	w.Header().Set("Content-Type", up.ContentType)
	w.Header().Set("Content-Length", strconv.FormatInt(up.Size, 10))
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(http.StatusOK)
	_, err = io.Copy(w, rd)
	if err != nil {
		s.cfg.Log.Warn("uploads: serving a blob cut off", "id", up.ID, "err", err)
	}
	return nil
}

// matchesETag reports whether an If-None-Match header names etag.
func matchesETag(header, etag string) bool {
	for _, t := range strings.Split(header, ",") {
		t = strings.TrimPrefix(strings.TrimSpace(t), "W/")
		if t == etag || t == "*" {
			return true
		}
	}
	return false
}
