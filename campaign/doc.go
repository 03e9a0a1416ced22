// Package campaign runs many seeds of one protocol, any protocol bound to
// the harness (a *harness.Protocol), on parallel workers and sums up what
// they found: violations by property, fault counts, events and rates,
// coverage, and for every failure group a folder with the shrunk decision
// trace, the reproducers, the readable trace and the diagram.
//
// Parallelism lives only between runs: each seed runs on one goroutine from
// start to end, so a seed's result does not depend on the worker count or
// GOMAXPROCS. The campaign hash, an order-independent combination of every
// seed's trace hash, proves it: it is equal for any number of workers.
package campaign
