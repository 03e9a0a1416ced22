package cli

import (
	"runtime"
	"runtime/debug"
)

// version is paxsim's module version and the Go toolchain's.
func version() string {
	v := "(devel)"
	if info, ok := debug.ReadBuildInfo(); ok {
		for _, m := range append([]*debug.Module{&info.Main}, info.Deps...) {
			if m.Path == "github.com/paxsim/paxsim" && m.Version != "" {
				v = m.Version
			}
		}
	}
	return v + " " + runtime.Version()
}
