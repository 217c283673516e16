package catalog

// Opt is a PATCH field: omitted (Set false), cleared (Null true) or set to V.
type Opt[T any] struct {
	Set  bool
	Null bool
	V    T
}

// Value reports the new value when the field was sent with a non-null value.
func (o Opt[T]) Value() (T, bool) { return o.V, o.Set && !o.Null }

// Some returns an Opt set to v.
func Some[T any](v T) Opt[T] { return Opt[T]{Set: true, V: v} }

// Null returns an Opt sent as null.
func Null[T any]() Opt[T] { return Opt[T]{Set: true, Null: true} }
