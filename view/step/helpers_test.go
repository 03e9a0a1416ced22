package step_test

import "github.com/paxsim/paxsim/engine"

func engineOptions() engine.Options { return engine.Options{} }
