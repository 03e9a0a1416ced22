// Package scenarios assembles runs: a Config names a cluster, its workload,
// its faults and the protocol variant under test; Run executes one seed of
// it with the checkers attached and returns a Result with the verdict.
//
// A run has two phases, as in TigerBeetle's VOPR. Until HealAt, faults are
// injected and only safety is judged, at every step. At HealAt every fault
// heals; from then on the cluster must also make progress: a value must be
// chosen and learned by every replica within LivenessTicks, or the run
// reports a liveness violation, kept apart from safety.
//
// Later, named scripted schedules (the seed notes' Q&A items) live here too.
package scenarios
