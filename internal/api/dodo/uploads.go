package dodo

import (
	"context"
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"path"
	"strconv"
	"strings"
	"time"

	"github.com/pricebook/pricebook/internal/api/face"
	"github.com/pricebook/pricebook/internal/catalog"
	"github.com/pricebook/pricebook/internal/httpx"
	"github.com/pricebook/pricebook/internal/uploads"
)

// imageUploadOut answers PUT .../images: the signed URL the image's
// bytes are PUT to, and the image id to attach with PATCH image_id.
type imageUploadOut struct {
	URL     string `json:"url"`
	ImageID string `json:"image_id"`
}

// imageURL renders an image id as the URL that serves it; nil for none.
func (a *API) imageURL(id *string) *string {
	if id == nil || a.uploads == nil {
		return nil
	}
	u := a.uploads.ImageURL(*id)
	return &u
}

// uploadImage answers PUT /{resource}/{id}/images?force_update= for the
// objects of kind. Without force_update an object that has an image
// keeps its image id and the upload replaces the image's bytes; with it
// (or without an image) a new image id is made. image_id is always in
// the answer (the SDK types make it optional).
func (a *API) uploadImage(kind string) httpx.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		q := query{v: r.URL.Query()}
		fresh := q.boolean("force_update")
		if q.err != nil {
			return q.err
		}
		if a.uploads == nil {
			return catalog.Errorf(catalog.KindInternal, catalog.Invalid, "uploads are not configured")
		}
		up, err := a.store.CreateImageUpload(r.Context(), face.Tenant(r), kind, r.PathValue("id"), fresh != nil && *fresh)
		if err != nil {
			return err
		}
		return httpx.WriteJSON(w, http.StatusOK, imageUploadOut{URL: a.uploads.UploadURL(up), ImageID: up.ID})
	}
}

type fileUploadIn struct {
	FileName *string `json:"file_name"`
}

type fileUploadOut struct {
	FileID string `json:"file_id"`
	URL    string `json:"url"`
}

// updateFiles answers PUT /products/{id}/files {file_name}: a new file
// id and the signed URL its bytes are PUT to (up to 500 MiB).
func (a *API) updateFiles(w http.ResponseWriter, r *http.Request) error {
	var in fileUploadIn
	if err := decodeInto(r, &in); err != nil {
		return err
	}
	var pr catalog.Problems
	switch {
	case in.FileName == nil:
		pr.Add("file_name", "is required")
	case *in.FileName == "":
		pr.Add("file_name", "must not be empty")
	case len(*in.FileName) > catalog.MaxFileNameBytes:
		pr.Add("file_name", "must be at most %d bytes", catalog.MaxFileNameBytes)
	}
	if err := pr.Err(); err != nil {
		return err
	}
	if a.uploads == nil {
		return catalog.Errorf(catalog.KindInternal, catalog.Invalid, "uploads are not configured")
	}
	up, err := a.store.CreateFileUpload(r.Context(), face.Tenant(r), r.PathValue("id"), *in.FileName)
	if err != nil {
		return err
	}
	return httpx.WriteJSON(w, http.StatusOK, fileUploadOut{FileID: up.ID, URL: a.uploads.UploadURL(up)})
}

// filesOut renders uploaded files with signed download URLs.
func (a *API) filesOut(files []catalog.FileRef) []fileOut {
	out := make([]fileOut, 0, len(files))
	for _, f := range files {
		fo := fileOut{FileID: f.ID, Filename: f.Name, FileSize: &f.Size}
		if f.ContentType != "" {
			fo.ContentType = &f.ContentType
		}
		if a.uploads != nil {
			fo.DownloadURL, fo.ExpiresIn = a.uploads.DownloadURL(f.ID)
		}
		out = append(out, fo)
	}
	return out
}

// uploadEntitlementFile answers POST /entitlements/{id}/files: 201
// {file_id}. The SDKs send no body; a raw body (its Content-Type, and a
// file name from Content-Disposition or the file_name query parameter)
// or a multipart/form-data body (its first file part) is the file, an
// empty body an empty file. Up to 500 MiB, streamed to the blob store;
// the entitlement's row then commits the file.
func (a *API) uploadEntitlementFile(w http.ResponseWriter, r *http.Request) error {
	tn, id := face.Tenant(r), r.PathValue("id")
	if _, err := a.store.CheckFileTarget(r.Context(), tn, id); err != nil {
		return err
	}
	if a.uploads == nil {
		return catalog.Errorf(catalog.KindInternal, catalog.Invalid, "uploads are not configured")
	}
	if r.ContentLength > catalog.MaxFileBytes {
		return fileTooLarge()
	}
	_ = http.NewResponseController(w).SetReadDeadline(time.Now().Add(15 * time.Minute))
	body, name, ctype, err := fileOf(r)
	if err != nil {
		return err
	}
	up := &catalog.Upload{ID: catalog.NewUUID(), FileName: name}
	st, err := a.uploads.Put(r.Context(), up.ID, catalog.UploadFile, body, catalog.MaxFileBytes, ctype)
	var ue *uploads.Error
	switch {
	case errors.As(err, &ue) && ue.Status == http.StatusRequestEntityTooLarge:
		return fileTooLarge()
	case errors.As(err, &ue):
		return &httpx.Error{Status: ue.Status, Reason: httpx.BadRequest, Message: ue.Message}
	case err != nil:
		return err
	}
	up.BlobKey, up.Size, up.ContentType, up.SHA256 = st.Key, st.Size, st.ContentType, st.SHA256
	if _, err := a.store.AddEntitlementFile(r.Context(), tn, id, up); err != nil {
		a.uploads.Delete(context.WithoutCancel(r.Context()), st.Key)
		return err
	}
	return httpx.WriteJSON(w, http.StatusCreated, map[string]string{"file_id": up.ID})
}

func fileTooLarge() error {
	return &httpx.Error{Status: http.StatusRequestEntityTooLarge, Reason: httpx.UploadTooLarge,
		Message: "the file is larger than 500 MiB (" + strconv.Itoa(catalog.MaxFileBytes) + " bytes)"}
}

// fileOf finds the file in an entitlement file upload's body: its bytes,
// name and content type.
func fileOf(r *http.Request) (io.Reader, string, string, error) {
	name := r.URL.Query().Get("file_name")
	if _, params, err := mime.ParseMediaType(r.Header.Get("Content-Disposition")); err == nil && params["filename"] != "" {
		name = params["filename"]
	}
	ctype := r.Header.Get("Content-Type")
	mt, params, err := mime.ParseMediaType(ctype)
	if err == nil && mt == "multipart/form-data" {
		mr := multipart.NewReader(r.Body, params["boundary"])
		for {
			part, err := mr.NextPart()
			if err != nil {
				return nil, "", "", invalid("body: a multipart/form-data upload needs a file part")
			}
			if part.FileName() == "" {
				continue
			}
			name = part.FileName()
			return part, checkFileName(name), part.Header.Get("Content-Type"), nil
		}
	}
	return r.Body, checkFileName(name), ctype, nil
}

// checkFileName keeps a file name that is text of at most
// catalog.MaxFileNameBytes, without path; "file" for none.
func checkFileName(name string) string {
	name = path.Base(strings.ReplaceAll(name, `\`, "/"))
	if name == "." || name == "/" || !httpx.ValidText(name) || len(name) > catalog.MaxFileNameBytes {
		return "file"
	}
	return name
}

// deleteEntitlementFile answers DELETE /entitlements/{id}/files/{file_id}
// with 204.
func (a *API) deleteEntitlementFile(w http.ResponseWriter, r *http.Request) error {
	if err := a.store.DeleteEntitlementFile(r.Context(), face.Tenant(r), r.PathValue("id"), r.PathValue("file_id")); err != nil {
		return err
	}
	httpx.WriteEmpty(w, http.StatusNoContent)
	return nil
}
