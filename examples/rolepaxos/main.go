package main

import (
	"os"

	"github.com/paxsim/paxsim/cli"
	"github.com/paxsim/paxsim/harness"
)

// main is paxsim's command line with rolepaxos as its protocol.
func main() { os.Exit(cli.Main(harness.New[Msg, Disk](Adapter{}))) }
