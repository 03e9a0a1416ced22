package main

// The package documentation, the CLI reference, is in doc.go: it is
// generated from the help text (cli.Reference).

import (
	"os"

	"github.com/paxsim/paxsim/adapter/builtin"
	"github.com/paxsim/paxsim/cli"
)

func main() {
	cli.Program = "paxsim" // whatever the binary is called
	os.Exit(cli.Main(builtin.Protocols()...))
}
