package main

import (
	"os"
	"runtime/debug"

	"github.com/paxsim/paxsim/campaign"
)

// campaignGC sets the collector's target for a campaign,
// campaign.GCPercent, unless GOGC is set in the environment, and returns
// the function that puts the previous one back.
func campaignGC() (restore func()) {
	if _, set := os.LookupEnv("GOGC"); set {
		return func() {}
	}
	old := debug.SetGCPercent(campaign.GCPercent)
	return func() { debug.SetGCPercent(old) }
}
