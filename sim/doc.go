// Package sim is paxsim's deterministic world: a seeded discrete-event
// simulator that runs in-process nodes over a faulty network in virtual time.
//
// A run is a pure function of its Config and the decisions taken through one
// Decider. Every source of nondeterminism (a message's delay, whether it is
// dropped, duplicated or re-delivered, when a node crashes or a partition
// starts, a node's timer jitter) is a call to the Decider, so a seeded PRNG, a
// recorded decision trace, rapid, fuzz bytes or an exhaustive explorer can all
// drive the same world.
//
// sim knows nothing about Paxos. It drives any node type through the Node
// interface and gives each node an Env through which it sends messages, sets
// timers, writes and syncs durable state and emits observations. A node is a
// deterministic state machine: no goroutines, no clocks, no I/O, no map
// iteration that decides anything.
//
// The rules that keep a run deterministic hold inside this package: one
// goroutine per World, virtual time only, no global random source, and no map
// iteration that reaches an event, a decision or an output. Every executed
// event is folded into a rolling 64-bit hash, so equal (config, decisions)
// give equal hashes on every machine, at any GOMAXPROCS.
//
// Links reorder messages, since each message's delay is drawn on its own,
// unless NetworkConfig.FIFO makes each deliver in the order sent, as TCP
// does (fifo.go says what drops, duplicates and re-deliveries are then).
//
// A handler's effects (sends, timer changes, storage writes and syncs,
// observations) happen in the order the node makes them. A plain crash falls
// between handlers and keeps every write; a torn crash falls inside one,
// between two effects, and only those before it happen (effects.go); a crash
// that loses unsynced writes keeps only what was synced and a prefix of the
// writes since (storage.go). A node that replies before its state is durable
// can therefore be caught taking its reply back.
//
// A harness that runs seed after seed, as a campaign's worker does, resets
// one World for each (World.Reset) instead of building one: the run is the
// one a new World would run, and the world's queues and tables are reused.
package sim
