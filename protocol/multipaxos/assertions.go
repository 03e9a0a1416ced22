package multipaxos

// The assertions the protocol's code makes through its Env (sim.Env.Always,
// Sometimes, Reachable), by name; adapter/multipaxos declares them to the
// harness, so that a campaign that never reaches one says so.
const (
	// AssertAppliesInOrder: a replica applies only a chosen entry, the
	// one right after its applied prefix (Always).
	AssertAppliesInOrder = "a replica applies chosen entries in log order"
	// AssertReproposedRecovered: a new leader proposed again a value its
	// promises reported accepted (Reachable).
	AssertReproposedRecovered = "a new leader re-proposed a value its promises reported"
	// AssertCaughtUpByAsking: a lagging replica caught up after asking a
	// peer for the entries it lacked (Sometimes).
	AssertCaughtUpByAsking = "a lagging replica caught up by asking a peer"
)
