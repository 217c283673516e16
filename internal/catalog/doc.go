// Package catalog is the domain core: the catalog's types (products,
// prices, brands, collections, discounts, meters, entitlements, data
// sources, plans), their validation, the reasons a use case refuses, and
// ids, money and times. It holds no SQL, no HTTP and no vendor's names:
// the store persists these types, and each API face maps them, and every
// Reason, to its own wire format.
package catalog
