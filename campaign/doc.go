// Package campaign runs many seeds of one scenario on parallel workers and
// sums up what they found: violations by property, fault counts, events and
// rates, and a reproducer file for every failing seed.
//
// Parallelism lives only between runs: each seed runs on one goroutine from
// start to end, so a seed's result does not depend on the worker count or
// GOMAXPROCS. The campaign hash, an order-independent combination of every
// seed's trace hash, proves it: it is equal for any number of workers.
package campaign
