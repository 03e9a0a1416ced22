// Package multipaxos is paxsim's reference Multi-Paxos: a replicated log
// with reconfiguration, serving a key-value store.
package multipaxos
