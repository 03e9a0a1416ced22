package explore_test

import "github.com/paxsim/paxsim/internal/rapidseed"

// The rapid properties of this package start from a fixed seed: go test
// gives the same verdict every time (PAXSIM_LONG=1 searches at random).
func init() { rapidseed.Fix() }
