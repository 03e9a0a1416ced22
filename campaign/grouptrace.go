package campaign

import (
	"os"
	"path/filepath"
	"slices"
)

// groupCompanions are the files of a failure folder that are neither a
// decision trace nor a reproducer: what the folder says about its
// failure, not a run to take again.
var groupCompanions = []string{summaryFile, configFile, readableTraceFile, diagramFile, linearizabilityFile, seedsFile}

// GroupTrace resolves path to the decision trace it stands for when path
// is a failure folder, or one of its files that is no run of its own
// (summary.json, config.json, trace.txt, diagram.html, seeds.txt,
// linearizability.html): the folder's shrunk trace, which replay and
// shrink then take. ok is false for any other path, a folder's traces and
// reproducers included, which stand for themselves.
func GroupTrace(path string) (shrunk string, ok bool) {
	dir := path
	if info, err := os.Stat(path); err != nil || !info.IsDir() {
		if !slices.Contains(groupCompanions, filepath.Base(path)) {
			return "", false
		}
		dir = filepath.Dir(path)
	}
	shrunk = filepath.Join(dir, shrunkFile)
	if _, err := os.Stat(filepath.Join(dir, summaryFile)); err != nil {
		return "", false
	}
	if info, err := os.Stat(shrunk); err != nil || info.IsDir() {
		return "", false
	}
	return shrunk, true
}
