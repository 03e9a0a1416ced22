package main

import (
	"os"

	"github.com/paxsim/paxsim/cli"
	"github.com/paxsim/paxsim/harness"
)

// main is paxsim's command line with pmmc as its protocol: every verb
// (run, campaign, replay, shrink, check, ...) works on it.
func main() { os.Exit(cli.Main(harness.New[Msg, State](Adapter{}))) }
