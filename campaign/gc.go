package campaign

// GCPercent is the garbage collector's target (GOGC) that campaigns run
// best at, which paxsim campaign sets unless GOGC is in the environment. A
// campaign's live heap is about a megabyte (counts and failures) while each
// seed allocates some 12 KiB for its world, so at the default GOGC=100 the
// collector's 4 MiB heap floor makes it run every few hundred seeds and
// take 15-20% of the CPU, which two workers then share with it. At 400 it
// runs a quarter as often, for some 25 MiB of resident memory, flat over
// any number of seeds (BENCHMARKS.md, "Campaigns at scale").
const GCPercent = 400
