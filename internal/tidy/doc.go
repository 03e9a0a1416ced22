// Package tidy is the repository's lint, run by go test ./internal/tidy,
// in the spirit of TigerBeetle's tidy.zig. It holds two rules.
//
// Determinism: a run is a pure function of its config and seed, so the
// code that runs inside a simulation may not read the wall clock (time.Now,
// Since, Until, Sleep, After, AfterFunc, Tick, NewTimer, NewTicker, and
// context deadlines), draw from a random source the run did not seed
// (every package-level function of math/rand and math/rand/v2 but the
// constructors New, NewSource, NewPCG, NewChaCha8 and NewZipf; all of
// crypto/rand), start a goroutine (a go statement, sync.WaitGroup.Go),
// select, or iterate in a map's order (range over a map, maps.Keys, Values
// and All unless sorted at once by slices.Sorted, sync.Map.Range). A map
// may be ranged over where the order cannot matter: a comment
// "order-free: why" on the loop's line or the line above marks it.
//
// The rule holds in every package of the module, found by go list, not
// by a list of directories: a new package is checked from its first file.
// The test's Policy frees whole directories that never run a simulation
// (cmd, deploy) and waives single functions, each with its reason: the
// workers that run a campaign's seeds or an explorer's level in parallel
// between runs, and the clock that times them for the user. A waiver
// names a function, not a file, so a banned call anywhere else in the
// package is still caught, and a waiver that covers nothing fails as
// stale.
//
// The packages are type-checked (go/types over export data that go list
// -export builds), and a use is matched by the object it resolves to, so
// a renamed or dot import, a method value or a package-level alias of a
// banned function is caught as a call is, and a map is recognised by its
// type wherever it was declared.
//
// Function length: no function may be longer than MaxFuncLines (70)
// lines, counted from the func keyword to the closing brace, both
// included, without the doc comment; a function literal counts toward the
// declaration it is written in. It holds for the non-test code of every
// package, cmd included. The functions that were longer when the limit
// came in are listed with their lengths then, and may only shrink.
package tidy
