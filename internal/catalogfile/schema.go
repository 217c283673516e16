package catalogfile

import (
	"encoding/json"
	"reflect"
	"strings"
)

// SchemaID is the schema's $id.
const SchemaID = "urn:pricebook:catalog:v1"

// Schema is the JSON Schema (2020-12) of the file, made from the File
// type itself (its json names, and the required, enum, pattern and doc
// tags), so the two cannot drift apart.
func Schema() []byte {
	defs := map[string]any{}
	root := schemaOf(reflect.TypeOf(File{}), defs)
	s := map[string]any{
		"$schema":     "https://json-schema.org/draft/2020-12/schema",
		"$id":         SchemaID,
		"title":       "Pricebook catalog file",
		"description": "One partition's catalog on both faces: apply it with pricebook catalog apply FILE.",
		"$defs":       defs,
	}
	for k, v := range root.(map[string]any) {
		s[k] = v
	}
	out, _ := json.MarshalIndent(s, "", "  ")
	return append(out, '\n')
}

func schemaOf(t reflect.Type, defs map[string]any) any {
	switch t.Kind() {
	case reflect.Pointer:
		return schemaOf(t.Elem(), defs)
	case reflect.String:
		return map[string]any{"type": "string"}
	case reflect.Bool:
		return map[string]any{"type": "boolean"}
	case reflect.Int, reflect.Int64, reflect.Int32:
		return map[string]any{"type": "integer"}
	case reflect.Slice:
		return map[string]any{"type": "array", "items": schemaOf(t.Elem(), defs)}
	case reflect.Map:
		return map[string]any{"type": "object"}
	case reflect.Interface:
		return map[string]any{}
	case reflect.Struct:
		if t != reflect.TypeOf(File{}) {
			if _, ok := defs[t.Name()]; !ok {
				defs[t.Name()] = nil // a placeholder against recursion
				defs[t.Name()] = structSchema(t, defs)
			}
			return map[string]any{"$ref": "#/$defs/" + t.Name()}
		}
		return structSchema(t, defs)
	}
	return map[string]any{}
}

func structSchema(t reflect.Type, defs map[string]any) map[string]any {
	props := map[string]any{}
	var required []string
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		name := strings.Split(f.Tag.Get("json"), ",")[0]
		if name == "" || name == "-" || !f.IsExported() {
			continue
		}
		ps := schemaOf(f.Type, defs).(map[string]any)
		if _, ref := ps["$ref"]; ref && (f.Tag.Get("doc") != "") {
			ps = map[string]any{"allOf": []any{ps}}
		}
		if e := f.Tag.Get("enum"); e != "" {
			ps["enum"] = strings.Split(e, "|")
		}
		if p := f.Tag.Get("pattern"); p != "" {
			ps["pattern"] = p
		}
		if name == "key" && t != reflect.TypeOf(File{}) {
			ps["pattern"] = keyPattern.String()
		}
		if d := f.Tag.Get("doc"); d != "" {
			ps["description"] = d
		}
		props[name] = ps
		if f.Tag.Get("required") == "true" {
			required = append(required, name)
		}
	}
	s := map[string]any{"type": "object", "properties": props, "additionalProperties": false}
	if len(required) > 0 {
		s["required"] = required
	}
	return s
}
