package cli

import (
	"errors"
	"io/fs"
	"os"
)

// checkOutFiles checks, before a command does any work, the files its
// flags name for it to write (command.outputs): a run, a search or a
// shrink is not thrown away at its end for want of a place to put what
// it found.
// An output that is one of the command's input files (args) would
// overwrite it.
func checkOutFiles(cmd *command, o *options, flags func(name string) string, args []string) error {
	for _, name := range cmd.outputs {
		if !o.set[name] {
			continue
		}
		path := flags(name)
		if err := checkOutFile(path); err != nil {
			return usageErrorf(cmd.name, "invalid value for --%s: %v", name, err)
		}
		if in := sameFile(path, args); in != "" {
			return usageErrorf(cmd.name, "invalid value for --%s: %s is the input file %s: writing it would overwrite what is read", name, path, in)
		}
	}
	return nil
}

// sameFile returns the path of args that names the file path names, if
// one does.
func sameFile(path string, args []string) string {
	out, err := os.Stat(path)
	if err != nil {
		return ""
	}
	for _, arg := range args {
		if in, err := os.Stat(arg); err == nil && os.SameFile(in, out) {
			return arg
		}
	}
	return ""
}

// checkOutFile reports why path cannot be written, if it cannot: a
// folder, a file in a missing folder, a file or folder without write
// permission. "" (none) and "-" (standard output) are not files. A file
// that does not exist yet is created and removed again to find out.
func checkOutFile(path string) error {
	if path == "" || path == "-" {
		return nil
	}
	info, err := os.Stat(path)
	switch {
	case err == nil && info.IsDir():
		return errors.New(path + " is a folder, not a file")
	case err == nil && !info.Mode().IsRegular():
		return nil // a device or a pipe (/dev/stdout): opening it may block
	case err == nil:
		f, err := os.OpenFile(path, os.O_WRONLY, 0)
		if err != nil {
			return pathError(path, err)
		}
		return f.Close()
	case !errors.Is(err, fs.ErrNotExist):
		return pathError(path, err)
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return pathError(path, err)
	}
	f.Close()
	return os.Remove(path)
}

// pathError is err about path, worded once: "PATH: no such file or
// directory" rather than "open PATH: ...".
func pathError(path string, err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return errors.New(path + ": " + pe.Err.Error())
	}
	return err
}
