package pricebook

import "encoding/json"

// openAPIDocument describes the face in OpenAPI 3.1; TestOpenAPIMatchesRoutes
// keeps its paths and methods equal to the route table.
var openAPIDocument = mustJSON(map[string]any{
	"openapi": "3.1.0",
	"info": map[string]any{
		"title":   "Pricebook",
		"version": "v1",
		"description": "Pricebook's own API: the change journal, object history, objects as they were and webhook deliveries. " +
			"Lists answer {data, next_cursor}; errors answer {code, message}. Authenticate with the same API keys as the vendor faces.",
	},
	"servers":    []any{map[string]any{"url": "/"}},
	"security":   []any{map[string]any{"bearer": []any{}}},
	"components": components,
	"paths": map[string]any{
		"/_pricebook/v1/events": map[string]any{"get": operation("listEvents",
			"The partition's events, newest first; order=asc is commit order, which next_cursor continues without missing any.",
			[]any{param("type", "Only events of this type, such as product.created"), param("object_id", "Only events of this object"),
				param("cursor", "Continue after the list that returned it"), param("limit", "1 to 200, default 50"), param("order", "asc or desc (default)")},
			ref("EventList"))},
		"/_pricebook/v1/events/stream": map[string]any{"get": map[string]any{
			"operationId": "streamEvents",
			"summary":     "Server-Sent Events of every new event in commit order; resume with Last-Event-ID.",
			"parameters":  []any{param("type", "Only events of this type"), param("object_id", "Only events of this object"), param("cursor", "Start after this cursor")},
			"responses": map[string]any{"200": map[string]any{"description": "An event stream",
				"content": map[string]any{"text/event-stream": map[string]any{"schema": map[string]any{"type": "string"}}}},
				"default": errorResponse},
		}},
		"/_pricebook/v1/objects/{id}": map[string]any{"get": operation("getObject",
			"The object's document as its face rendered it at as_of (default: its latest version).",
			[]any{pathParam(), param("as_of", "An RFC 3339 date-time")},
			map[string]any{"type": "object", "description": "The object as its face renders it"})},
		"/_pricebook/v1/objects/{id}/history": map[string]any{"get": operation("objectHistory",
			"Every version of the object, oldest first, with who changed it and when.",
			[]any{pathParam(), param("cursor", "Continue after the list that returned it"), param("limit", "1 to 200, default 50")},
			ref("EventList"))},
		"/_pricebook/v1/webhooks/{id}/deliveries": map[string]any{"get": operation("listWebhookDeliveries",
			"Every attempt to deliver an event to the webhook endpoint, newest first.",
			[]any{pathParam(), param("cursor", "Continue after the list that returned it"), param("limit", "1 to 200, default 50")},
			ref("WebhookDeliveryList"))},
		"/_pricebook/v1/events/{id}/resend": map[string]any{"post": sendOperation("resendEvent",
			"Queue the event again (same webhook-id): to the endpoint named in the body, or to every enabled endpoint subscribed to its type.",
			[]any{pathParam()}, map[string]any{"type": "object", "additionalProperties": false,
				"properties": map[string]any{"endpoint_id": map[string]any{"type": "string", "description": "Only this endpoint, whatever its filter"}}})},
		"/_pricebook/v1/webhooks/{id}/deliveries/{delivery_id}/replay": map[string]any{"post": sendOperation("replayWebhookDelivery",
			"Queue the delivery's event to its endpoint again, with the same webhook-id.",
			[]any{pathParam(), map[string]any{"name": "delivery_id", "in": "path", "required": true, "schema": str()}}, nil)},
		"/_pricebook/v1/webhooks/{id}/test": map[string]any{"post": sendOperation("sendWebhookTest",
			"Queue a webhook.test message to the endpoint, signed like every delivery; the journal does not record it.",
			[]any{pathParam()}, nil)},
		"/_pricebook/v1/webhooks/{id}/secret/rotate": map[string]any{"post": map[string]any{
			"operationId": "rotateWebhookSecret",
			"summary":     "A new signing secret; deliveries are signed with the previous one too until previous_secret_expires_at (24 h).",
			"parameters":  []any{pathParam()},
			"responses": map[string]any{
				"200": map[string]any{"description": "The new secret", "content": map[string]any{"application/json": map[string]any{"schema": map[string]any{
					"type": "object", "required": []any{"secret", "previous_secret_expires_at"},
					"properties": map[string]any{"secret": str(), "previous_secret_expires_at": map[string]any{"type": "string", "format": "date-time"}}}}}},
				"default": errorResponse,
			}}},
		"/_pricebook/v1/tenants": map[string]any{"post": map[string]any{
			"operationId": "createTenant",
			"summary": "A new business and its test-mode key, shown once (serve --open-test-keys, test-mode keys only; " +
				"otherwise 403). Without a body the business is named Test namespace.",
			"requestBody": map[string]any{"required": false, "content": map[string]any{"application/json": map[string]any{"schema": map[string]any{
				"type": "object", "additionalProperties": false, "properties": map[string]any{"name": str()}}}}},
			"responses": map[string]any{
				"201": map[string]any{"description": "The tenant", "content": map[string]any{"application/json": map[string]any{"schema": map[string]any{
					"type": "object", "required": []any{"business_id", "mode", "key_id", "key"},
					"properties": map[string]any{"business_id": str(), "mode": map[string]any{"enum": []any{"test"}}, "key_id": str(),
						"key": map[string]any{"type": "string", "description": "The API key; shown this once"}}}}}},
				"default": errorResponse,
			}}},
		"/_pricebook/v1/reset": map[string]any{"post": map[string]any{
			"operationId": "reset",
			"summary": "Empty the caller's test-mode partition in one transaction: every catalog object, journal event, webhook endpoint " +
				"with its deliveries, upload, idempotency record, fault rule and the test clock (keys and the primary brand stay); " +
				"then apply its seed catalog again when the server was started with one for it. Live-mode keys get 403.",
			"responses": map[string]any{
				"200": map[string]any{"description": "What each table lost", "content": map[string]any{"application/json": map[string]any{"schema": map[string]any{
					"type": "object", "required": []any{"business_id", "mode", "deleted"},
					"properties": map[string]any{"business_id": str(), "mode": map[string]any{"enum": []any{"test"}},
						"deleted": map[string]any{"type": "object", "additionalProperties": map[string]any{"type": "integer"}}}}}}},
				"default": errorResponse,
			}}},
		"/_pricebook/v1/clock": map[string]any{
			"get": operation("getClock", "The partition's time as its rules read it: its test clock's when one is set (test mode only).", []any{}, ref("Clock")),
			"post": map[string]any{
				"operationId": "setClock",
				"summary": "Set the partition's test clock ({now}) or advance it ({advance}: 90s, 48h, 30d); it then stands still " +
					"until set again. Discount starts_at/expires_at, idempotency-key expiry, object and journal timestamps and the retention follow it.",
				"requestBody": map[string]any{"required": true, "content": map[string]any{"application/json": map[string]any{"schema": map[string]any{
					"type": "object", "additionalProperties": false,
					"properties": map[string]any{"now": map[string]any{"type": "string", "format": "date-time"},
						"advance": map[string]any{"type": "string", "description": "A positive duration: 90s, 48h, 1h30m or 30d"}}}}}},
				"responses": map[string]any{
					"200":     map[string]any{"description": "The clock", "content": map[string]any{"application/json": map[string]any{"schema": ref("Clock")}}},
					"default": errorResponse,
				}},
			"delete": operation("deleteClock", "Return the partition to the real time.", []any{}, ref("Clock")),
		},
		"/_pricebook/v1/requests": map[string]any{"get": operation("listRequests",
			"The partition's recent requests to the vendor faces, newest first, as this server saw them (without headers and bodies).",
			[]any{param("cursor", "Continue after the list that returned it"), param("limit", "1 to 200, default 50")},
			map[string]any{"type": "object", "required": []any{"data", "next_cursor"},
				"properties": map[string]any{"data": map[string]any{"type": "array", "items": ref("InspectedRequest")}, "next_cursor": nullable()}})},
		"/_pricebook/v1/requests/{request_id}": map[string]any{"get": operation("getRequest",
			"One request in full: its headers (credentials redacted) and both bodies (cut at 16 KiB, credentials redacted).",
			[]any{map[string]any{"name": "request_id", "in": "path", "required": true, "schema": str()}}, ref("InspectedRequest"))},
		"/_pricebook/v1/faults": map[string]any{
			"post": map[string]any{
				"operationId": "createFaultRule",
				"summary": "A fault rule (test mode): inject fault (Pricebook-Fault's syntax) into the partition's requests of method " +
					"and path (route-table pattern), on every match, the next count or a fraction, until expires_in.",
				"requestBody": map[string]any{"required": true, "content": map[string]any{"application/json": map[string]any{"schema": map[string]any{
					"type": "object", "required": []any{"path", "fault"}, "additionalProperties": false,
					"properties": map[string]any{"method": str(), "path": str(), "fault": str(),
						"count": map[string]any{"type": "integer", "minimum": 1}, "fraction": map[string]any{"type": "number"},
						"expires_in": map[string]any{"type": "string", "description": "A duration, such as 10m"}}}}}},
				"responses": map[string]any{
					"201":     map[string]any{"description": "The rule", "content": map[string]any{"application/json": map[string]any{"schema": ref("FaultRule")}}},
					"default": errorResponse,
				}},
			"get": operation("listFaultRules", "Every fault rule of the partition, oldest first, with how often each fired.", []any{},
				map[string]any{"type": "object", "required": []any{"data", "next_cursor"},
					"properties": map[string]any{"data": map[string]any{"type": "array", "items": ref("FaultRule")}, "next_cursor": nullable()}}),
			"delete": noContent("deleteFaultRules", "Delete every fault rule of the partition.", []any{}),
		},
		"/_pricebook/v1/faults/{id}": map[string]any{"delete": noContent("deleteFaultRule", "Delete one fault rule.", []any{pathParam()})},
		"/_pricebook/v1/openapi.json": map[string]any{"get": map[string]any{
			"operationId": "openAPI", "summary": "This document.", "security": []any{},
			"responses": map[string]any{"200": map[string]any{"description": "The OpenAPI document",
				"content": map[string]any{"application/json": map[string]any{"schema": map[string]any{"type": "object"}}}}},
		}},
	},
})

var components = map[string]any{
	"securitySchemes": map[string]any{"bearer": map[string]any{"type": "http", "scheme": "bearer"}},
	"schemas": map[string]any{
		"Clock": map[string]any{"type": "object", "required": []any{"now", "test_clock"},
			"properties": map[string]any{"now": map[string]any{"type": "string", "format": "date-time"}, "test_clock": map[string]any{"type": "boolean"}}},
		"Event": map[string]any{"type": "object",
			"required": []any{"id", "type", "object_id", "object_kind", "business_id", "mode", "key_id", "request_id", "created_at", "data"},
			"properties": map[string]any{
				"id": str(), "type": str(), "object_id": str(), "object_kind": str(), "detail": nullable(),
				"business_id": str(), "mode": map[string]any{"enum": []any{"test", "live"}},
				"key_id": nullable(), "request_id": nullable(), "test_clock": map[string]any{"type": "boolean"},
				"created_at": map[string]any{"type": "string", "format": "date-time"},
				"data":       map[string]any{"type": "object", "description": "The object as its face renders it after the change"},
			}},
		"EventList": map[string]any{"type": "object", "required": []any{"data", "next_cursor"},
			"properties": map[string]any{"data": map[string]any{"type": "array", "items": ref("Event")}, "next_cursor": nullable()}},
		"WebhookDelivery": map[string]any{"type": "object",
			"required": []any{"id", "endpoint_id", "event_id", "event_type", "attempt", "status_code", "duration_ms", "response", "error", "next_retry_at", "created_at"},
			"properties": map[string]any{
				"id": str(), "endpoint_id": str(), "event_id": map[string]any{"type": "string", "description": "The webhook-id header sent"},
				"event_type": str(), "attempt": map[string]any{"type": "integer", "description": "1 for the first"},
				"status_code": map[string]any{"type": []any{"integer", "null"}, "description": "null when no response came"},
				"duration_ms": map[string]any{"type": "integer"},
				"response":    map[string]any{"type": "string", "description": "The response body's first KiB"},
				"error":       nullable(),
				"next_retry_at": map[string]any{"type": []any{"string", "null"}, "format": "date-time",
					"description": "When the next attempt is due; null after a success or the last attempt"},
				"created_at": map[string]any{"type": "string", "format": "date-time"},
			}},
		"WebhookDeliveryList": map[string]any{"type": "object", "required": []any{"data", "next_cursor"},
			"properties": map[string]any{"data": map[string]any{"type": "array", "items": ref("WebhookDelivery")}, "next_cursor": nullable()}},
		"WebhookSend": map[string]any{"type": "object", "required": []any{"event_id", "event_type", "endpoint_ids"},
			"properties": map[string]any{"event_id": map[string]any{"type": "string", "description": "The webhook-id the deliveries carry"},
				"event_type": str(), "endpoint_ids": map[string]any{"type": "array", "items": str()}}},
		"InspectedRequest": map[string]any{"type": "object",
			"required": []any{"request_id", "at", "method", "path", "query", "status", "duration_ms", "idempotency_key", "fault"},
			"properties": map[string]any{"request_id": str(), "at": map[string]any{"type": "string", "format": "date-time"},
				"method": str(), "path": str(), "query": str(),
				"status":      map[string]any{"type": []any{"integer", "null"}, "description": "null when the connection was dropped"},
				"duration_ms": map[string]any{"type": "number"}, "idempotency_key": nullable(), "fault": nullable(),
				"request_headers": map[string]any{"type": "object", "additionalProperties": str()},
				"request_body":    str(), "request_body_truncated": map[string]any{"type": "boolean"},
				"response_body": str(), "response_body_truncated": map[string]any{"type": "boolean"}}},
		"FaultRule": map[string]any{"type": "object",
			"required": []any{"id", "method", "path", "fault", "count", "fraction", "expires_at", "fired", "created_at"},
			"properties": map[string]any{"id": str(), "method": nullable(), "path": str(), "fault": str(),
				"count":      map[string]any{"type": []any{"integer", "null"}, "description": "Fires left; null fires on every match"},
				"fraction":   map[string]any{"type": []any{"number", "null"}},
				"expires_at": map[string]any{"type": []any{"string", "null"}, "format": "date-time"},
				"fired":      map[string]any{"type": "integer"}, "created_at": map[string]any{"type": "string", "format": "date-time"}}},
		"Error": map[string]any{"type": "object", "required": []any{"code", "message"},
			"properties": map[string]any{"code": str(), "message": str()}},
	},
}

var errorResponse = map[string]any{"description": "An error",
	"content": map[string]any{"application/json": map[string]any{"schema": ref("Error")}}}

func operation(id, summary string, params []any, schema any) map[string]any {
	return map[string]any{"operationId": id, "summary": summary, "parameters": params,
		"responses": map[string]any{
			"200":     map[string]any{"description": "OK", "content": map[string]any{"application/json": map[string]any{"schema": schema}}},
			"default": errorResponse,
		}}
}

// noContent describes an operation answering 204.
func noContent(id, summary string, params []any) map[string]any {
	return map[string]any{"operationId": id, "summary": summary, "parameters": params,
		"responses": map[string]any{"204": map[string]any{"description": "Done"}, "default": errorResponse}}
}

// sendOperation describes a POST that queues deliveries: 202 WebhookSend,
// with an optional JSON body when body is not nil.
func sendOperation(id, summary string, params []any, body any) map[string]any {
	op := map[string]any{"operationId": id, "summary": summary, "parameters": params,
		"responses": map[string]any{
			"202":     map[string]any{"description": "Queued", "content": map[string]any{"application/json": map[string]any{"schema": ref("WebhookSend")}}},
			"default": errorResponse,
		}}
	if body != nil {
		op["requestBody"] = map[string]any{"required": false, "content": map[string]any{"application/json": map[string]any{"schema": body}}}
	}
	return op
}

func param(name, description string) map[string]any {
	return map[string]any{"name": name, "in": "query", "description": description, "schema": str()}
}

func pathParam() map[string]any {
	return map[string]any{"name": "id", "in": "path", "required": true, "schema": str()}
}

func ref(name string) map[string]any { return map[string]any{"$ref": "#/components/schemas/" + name} }
func str() map[string]any            { return map[string]any{"type": "string"} }
func nullable() map[string]any       { return map[string]any{"type": []any{"string", "null"}} }

func mustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return b
}
