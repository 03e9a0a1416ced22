package campaign

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
)

// groupCompanions are the files of a failure folder that are neither a
// decision trace nor a reproducer: what the folder says about its
// failure, not a run to take again.
var groupCompanions = []string{summaryFile, configFile, readableTraceFile, diagramFile, linearizabilityFile, seedsFile}

// GroupTrace resolves path to the run it stands for when path is a
// failure folder, or one of its files that is no run of its own
// (summary.json, config.json, trace.txt, diagram.html, seeds.txt,
// linearizability.html): the folder's shrunk trace, which replay and
// shrink then take; or, when its failure was not shrunk, its
// representative's decision trace, or else its reproducer. what names
// the one it is. ok is false for any other path, a folder's traces and
// reproducers included, which stand for themselves.
func GroupTrace(path string) (file, what string, ok bool) {
	dir := path
	if info, err := os.Stat(path); err != nil || !info.IsDir() {
		if !slices.Contains(groupCompanions, filepath.Base(path)) {
			return "", "", false
		}
		dir = filepath.Dir(path)
	}
	data, err := os.ReadFile(filepath.Join(dir, summaryFile))
	if err != nil {
		return "", "", false
	}
	var g struct {
		Representative uint64 `json:"representative"`
	}
	_ = json.Unmarshal(data, &g) // a summary without it still has its shrunk trace
	for _, c := range []struct{ name, what string }{
		{shrunkFile, "its shrunk trace"},
		{fmt.Sprintf("seed-%d.trace", g.Representative), "its failure's decision trace (it was not shrunk)"},
		{fmt.Sprintf("seed-%d.json", g.Representative), "its failure's reproducer (its run was not recorded)"},
	} {
		f := filepath.Join(dir, c.name)
		if info, err := os.Stat(f); err == nil && !info.IsDir() {
			return f, c.what, true
		}
	}
	return "", "", false
}
