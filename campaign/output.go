package campaign

import (
	"cmp"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
)

// ManifestFile is the file, in an output folder (Options.OutDir,
// MergeOptions.OutDir), that lists every file paxsim wrote there, one
// path a line relative to the folder. Each path is listed before its file
// is written, so the list is whole even when a campaign is killed midway.
// The next campaign or merge into the folder removes the files listed, and
// the folders they leave empty, and nothing else: files paxsim did not
// write stay where they are.
const ManifestFile = "paxsim-manifest.txt"

const manifestHeader = "# paxsim-manifest/1: the files paxsim wrote into this folder, one a line; " +
	"the next campaign or merge into the folder removes them, and only them\n"

// pendingDir is the folder of an output folder where each failing seed's
// reproducer is written as soon as the seed fails; when the campaign ends
// it moves into its group's folder. A campaign killed before its end
// leaves its findings here.
const pendingDir = "ungrouped"

// OutError says why an output folder cannot be used.
type OutError struct {
	Dir string
	Err error
}

func (e *OutError) Error() string { return fmt.Sprintf("%s: %v", e.Dir, e.Err) }

func (e *OutError) Unwrap() error { return e.Err }

// outDir is an output folder. Every file written into it goes through
// writeFile or move, which list it in the manifest first.
type outDir struct {
	root     string
	created  bool // root did not exist before openOut
	mu       sync.Mutex
	manifest *os.File
	listed   map[string]bool
	program  string // what the replay commands in the files start with
}

// openOut makes root a fresh output folder: it creates it when missing,
// checks that it is a folder paxsim can write into, and removes what a
// previous campaign or merge wrote there (the files its manifest lists).
// program names the program in the replay commands its files hold
// (empty: paxsim).
func openOut(root, program string) (*outDir, error) {
	d := &outDir{root: root, listed: map[string]bool{}, program: cmp.Or(program, "paxsim")}
	fail := func(err error) (*outDir, error) { return nil, &OutError{Dir: root, Err: err} }
	st, err := os.Stat(root)
	switch {
	case errors.Is(err, os.ErrNotExist):
		if err := os.MkdirAll(root, 0o755); err != nil {
			return fail(unwrapPath(err))
		}
		d.created = true
	case err != nil:
		return fail(unwrapPath(err))
	case !st.IsDir():
		return fail(errors.New("not a folder"))
	}
	if err := clearPrevious(root); err != nil {
		return fail(err)
	}
	f, err := os.OpenFile(filepath.Join(root, ManifestFile), os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o644)
	if err != nil {
		return fail(fmt.Errorf("cannot write into it: %v", unwrapPath(err)))
	}
	if _, err := f.WriteString(manifestHeader); err != nil {
		f.Close()
		return fail(fmt.Errorf("cannot write into it: %v", unwrapPath(err)))
	}
	d.manifest = f
	return d, nil
}

// unwrapPath drops the path an *os.PathError repeats.
func unwrapPath(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// clearPrevious removes the files that root's manifest lists, the
// folders they leave empty, and the manifest. A listed path that is not a
// plain relative path inside root, or that leads through a symbolic link
// out of root, is left alone.
func clearPrevious(root string) error {
	os.Remove(filepath.Join(root, ManifestFile+".new")) // left by a campaign killed as it closed
	data, err := os.ReadFile(filepath.Join(root, ManifestFile))
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("reading its %s: %v", ManifestFile, unwrapPath(err))
	}
	realRoot, err := filepath.EvalSymlinks(root)
	if err != nil {
		return err
	}
	var dirs []string
	for _, rel := range strings.Split(string(data), "\n") {
		if rel == "" || strings.HasPrefix(rel, "#") || !filepath.IsLocal(rel) || rel == ManifestFile {
			continue
		}
		path := filepath.Join(root, rel)
		if !insideRoot(realRoot, filepath.Dir(path)) {
			continue
		}
		st, err := os.Lstat(path)
		if err != nil || st.IsDir() {
			continue
		}
		if err := os.Remove(path); err != nil {
			return fmt.Errorf("removing what the last campaign wrote: %v", err)
		}
		for dir := filepath.Dir(rel); dir != "."; dir = filepath.Dir(dir) {
			dirs = append(dirs, dir)
		}
	}
	// The deepest first, so that a parent is tried after its children.
	slices.SortFunc(dirs, func(a, b string) int {
		return strings.Count(b, string(filepath.Separator)) - strings.Count(a, string(filepath.Separator))
	})
	for _, dir := range slices.Compact(dirs) {
		os.Remove(filepath.Join(root, dir)) // only when empty: what else is there stays
	}
	return os.Remove(filepath.Join(root, ManifestFile))
}

// insideRoot reports whether dir, symbolic links resolved, is realRoot or
// inside it.
func insideRoot(realRoot, dir string) bool {
	real, err := filepath.EvalSymlinks(dir)
	if err != nil {
		return false
	}
	rel, err := filepath.Rel(realRoot, real)
	return err == nil && (rel == "." || filepath.IsLocal(rel))
}

// list records rel in the manifest, once.
func (d *outDir) list(rel string) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.listed[rel] {
		return nil
	}
	if _, err := d.manifest.WriteString(rel + "\n"); err != nil {
		return err
	}
	d.listed[rel] = true
	return nil
}

// writeFile writes data to the file rel, creating its folder, and
// returns its path.
func (d *outDir) writeFile(rel string, data []byte) (string, error) {
	path := filepath.Join(d.root, rel)
	if err := d.list(rel); err != nil {
		return path, err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return path, err
	}
	return path, os.WriteFile(path, data, 0o644)
}

// move renames the file from to to, both relative, and returns the new
// path. It removes from's folder when that leaves it empty.
func (d *outDir) move(from, to string) (string, error) {
	path := filepath.Join(d.root, to)
	if err := d.list(to); err != nil {
		return path, err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return path, err
	}
	if err := os.Rename(filepath.Join(d.root, from), path); err != nil {
		return path, err
	}
	os.Remove(filepath.Dir(filepath.Join(d.root, from))) // only when empty
	return path, nil
}

// close closes the manifest and writes it again in order, listing the
// files that are there (not those moved away), so that two campaigns that
// write the same files write the same manifest. When nothing is left, it
// removes the manifest too, and the folder when openOut created it.
func (d *outDir) close() error {
	if err := d.manifest.Close(); err != nil {
		return err
	}
	var kept []string
	for rel := range d.listed { // order-free: the files kept are only counted and listed sorted
		if _, err := os.Lstat(filepath.Join(d.root, rel)); err == nil {
			kept = append(kept, rel)
		}
	}
	if len(kept) == 0 {
		os.Remove(d.manifest.Name())
		if d.created {
			os.Remove(d.root) // only when empty
		}
		return nil
	}
	slices.Sort(kept)
	tmp := d.manifest.Name() + ".new"
	if err := os.WriteFile(tmp, []byte(manifestHeader+strings.Join(kept, "\n")+"\n"), 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, d.manifest.Name())
}
