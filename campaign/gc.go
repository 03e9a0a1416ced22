package campaign

// GCPercent is the garbage collector's target (GOGC) that campaigns run
// best at, which paxsim campaign sets unless GOGC is in the environment. A
// campaign's live heap is about a megabyte (counts and failures) while each
// seed allocates some 12 KiB for its world, so at the default GOGC=100 the
// collector's 4 MiB heap floor makes it run every few hundred seeds and
// take 10-20% of the CPU, which one worker leaves to the idle core but two
// workers pay for. At 400 it runs a quarter as often and two workers run
// 1.9x one, for 20-50 MiB of resident memory whose live part does not grow
// with the seeds (BENCHMARKS.md, "Campaigns at scale").
const GCPercent = 400
