package srcmut

import (
	"fmt"
	"os"
	"strings"

	"github.com/paxsim/paxsim/trace"
)

// DefaultEquivalentFile is the committed file, relative to the module's
// root, that marks the equivalent mutants.
const DefaultEquivalentFile = "mutants/equivalent.txt"

// Equivalent maps a mutant's ID to the reason it is equivalent: no run
// can tell it from the original code.
type Equivalent map[string]string

// ReadEquivalent reads a file of equivalent mutants: one a line, its ID,
// white space, and the reason; blank lines and lines beginning with #
// are comments. A line without a reason, or an ID twice, is an error
// naming the file and line. A missing file marks none when missingOK.
func ReadEquivalent(path string, missingOK bool) (Equivalent, error) {
	f, err := os.Open(path)
	if os.IsNotExist(err) && missingOK {
		return Equivalent{}, nil
	}
	if err != nil {
		return nil, err
	}
	defer f.Close()
	out := Equivalent{}
	// trace.ScanLines bounds a line: a file that is not one of these
	// (/dev/zero) is not read whole.
	_, err = trace.ScanLines(f, path, "file of equivalent mutants", func(line int, text string) error {
		text = strings.TrimSpace(text)
		if text == "" || strings.HasPrefix(text, "#") {
			return nil
		}
		id, reason, _ := strings.Cut(text, " ")
		reason = strings.TrimSpace(reason)
		switch {
		case reason == "":
			return fmt.Errorf("%s:%d: %s has no reason: each equivalent mutant says why", path, line, id)
		case strings.Count(id, ":") != 3:
			return fmt.Errorf("%s:%d: %q is not a mutant ID (FILE:FUNC:OPERATOR:K)", path, line, id)
		case out[id] != "":
			return fmt.Errorf("%s:%d: %s is marked twice", path, line, id)
		}
		out[id] = reason
		return nil
	})
	return out, err
}
