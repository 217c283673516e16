package chartmogul

import (
	"net/http"
	"strings"
	"time"

	"github.com/pricebook/pricebook/internal/api/face"
	"github.com/pricebook/pricebook/internal/catalog"
	"github.com/pricebook/pricebook/internal/httpx"
	"github.com/pricebook/pricebook/internal/store"
)

// dataSourceOut is the vendor's data source object, keys in the vendor's
// order. The three optional blocks appear only when their with_* flag is
// set.
type dataSourceOut struct {
	UUID             string               `json:"uuid"`
	Name             string               `json:"name"`
	System           string               `json:"system"`
	CreatedAt        string               `json:"created_at"`
	Status           string               `json:"status"`
	ProcessingStatus *processingStatusOut `json:"processing_status,omitempty"`
	AutoChurn        *autoChurnOut        `json:"auto_churn_subscription_setting,omitempty"`
	InvoiceHandling  *invoiceHandlingOut  `json:"invoice_handling_setting,omitempty"`
}

// processingStatusOut counts import items; nothing is ever imported here.
type processingStatusOut struct {
	Processed int `json:"processed"`
	Failed    int `json:"failed"`
	Pending   int `json:"pending"`
}

// autoChurnOut is the automatic churn setting: off, as for a new source.
type autoChurnOut struct {
	Enabled  bool `json:"enabled"`
	Interval *int `json:"interval"`
}

type invoiceRulesOut struct {
	CreateWhen        string `json:"create_subscription_when_invoice_is"`
	UpdateWhen        string `json:"update_subscription_when_invoice_is"`
	PreventVoided     bool   `json:"prevent_subscription_for_invoice_voided"`
	PreventRefunded   bool   `json:"prevent_subscription_for_invoice_refunded"`
	PreventWrittenOff bool   `json:"prevent_subscription_for_invoice_written_off"`
}

// invoiceHandlingOut is the invoice handling setting of a new source.
type invoiceHandlingOut struct {
	Manual    invoiceRulesOut `json:"manual"`
	Automatic invoiceRulesOut `json:"automatic"`
}

var defaultInvoiceRules = invoiceRulesOut{CreateWhen: "open", UpdateWhen: "open", PreventVoided: true, PreventWrittenOff: true}

// detail is which optional blocks a data source answer carries.
type detail struct{ processing, autoChurn, invoices bool }

func readDetail(r *http.Request) (detail, error) {
	q := r.URL.Query()
	var d detail
	var err error
	if d.processing, err = flag(q, "with_processing_status"); err != nil {
		return d, err
	}
	if d.autoChurn, err = flag(q, "with_auto_churn_subscription_setting"); err != nil {
		return d, err
	}
	d.invoices, err = flag(q, "with_invoice_handling_setting")
	return d, err
}

// timestamp renders a time as the vendor does: UTC, milliseconds, Z.
func timestamp(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z") }

func dataSourceResponse(d *catalog.DataSource, with detail) dataSourceOut {
	out := dataSourceOut{UUID: d.ID, Name: d.Name, System: d.System, CreatedAt: timestamp(d.CreatedAt), Status: d.Status}
	if with.processing {
		out.ProcessingStatus = &processingStatusOut{}
	}
	if with.autoChurn {
		out.AutoChurn = &autoChurnOut{}
	}
	if with.invoices {
		out.InvoiceHandling = &invoiceHandlingOut{Manual: defaultInvoiceRules, Automatic: defaultInvoiceRules}
	}
	return out
}

// createDataSource: a missing name key is the vendor's 400, a null or
// blank one its 422. Every other key (Go's client sends empty uuid,
// status and created_at) is ignored, except a non-empty system.
func (a *API) createDataSource(w http.ResponseWriter, r *http.Request) error {
	b, err := readBody(r)
	if err != nil {
		return err
	}
	var d catalog.DataSource
	var pr catalog.Problems
	name, st := b.str("name")
	switch {
	case st == absent:
		return badRequest("name", `Parameter "name" is missing`)
	case st == wrong:
		pr.Add("name", "must be a string")
	case st == null || strings.TrimSpace(name) == "":
		pr.Add("name", msgDataSourceName)
	}
	d.Name = name
	if system, st := b.str("system"); st == wrong {
		pr.Add("system", "must be a string")
	} else {
		d.System = system
	}
	if !pr.Empty() {
		d.Validate(&pr)
		return pr.Err()
	}
	if err := a.store.CreateDataSource(r.Context(), face.Tenant(r), &d); err != nil {
		return err
	}
	return httpx.WriteJSON(w, http.StatusCreated, dataSourceResponse(&d, detail{}))
}

func (a *API) listDataSources(w http.ResponseWriter, r *http.Request) error {
	with, err := readDetail(r)
	if err != nil {
		return err
	}
	var f catalog.DataSourceFilter
	if f.Name, err = filter(r.URL.Query(), "name"); err != nil {
		return err
	}
	if f.System, err = filter(r.URL.Query(), "system"); err != nil {
		return err
	}
	list, err := a.store.ListDataSources(r.Context(), face.Tenant(r), f)
	if err != nil {
		return err
	}
	// Exactly one key: the Python client crashes on any pagination key here.
	out := struct {
		DataSources []dataSourceOut `json:"data_sources"`
	}{make([]dataSourceOut, 0, len(list.Items))}
	for i := range list.Items {
		out.DataSources = append(out.DataSources, dataSourceResponse(&list.Items[i], with))
	}
	return httpx.WriteJSON(w, http.StatusOK, out)
}

func (a *API) getDataSource(w http.ResponseWriter, r *http.Request) error {
	with, err := readDetail(r)
	if err != nil {
		return err
	}
	id := r.PathValue("uuid")
	if !usableID(id) {
		return store.ErrDataSourceNotFound
	}
	d, err := a.store.GetDataSource(r.Context(), face.Tenant(r), id)
	if err != nil {
		return err
	}
	return httpx.WriteJSON(w, http.StatusOK, dataSourceResponse(&d, with))
}

func (a *API) deleteDataSource(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("uuid")
	if !usableID(id) {
		return store.ErrDataSourceNotFound
	}
	if err := a.store.DeleteDataSource(r.Context(), face.Tenant(r), id); err != nil {
		return err
	}
	httpx.WriteEmpty(w, http.StatusNoContent)
	return nil
}

// emptyDataSource removes a source's plans and keeps the source.
func (a *API) emptyDataSource(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("uuid")
	if !usableID(id) {
		return store.ErrDataSourceNotFound
	}
	if err := a.store.EmptyDataSource(r.Context(), face.Tenant(r), id); err != nil {
		return err
	}
	httpx.WriteEmpty(w, http.StatusNoContent)
	return nil
}
