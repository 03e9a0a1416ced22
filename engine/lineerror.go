package engine

import (
	"cmp"
	"fmt"
)

// LineError is an input file that cannot be read or run, with the line at
// fault: a decision trace, a scenario script, a reproducer. The CLI exits
// 2 on one.
type LineError struct {
	File string
	Line int
	Msg  string
}

func (e *LineError) Error() string {
	if e.Line <= 0 { // the file as a whole: empty, or unreadable
		return fmt.Sprintf("%s: %s", cmp.Or(e.File, "input"), e.Msg)
	}
	if e.File == "" {
		return fmt.Sprintf("line %d: %s", e.Line, e.Msg)
	}
	return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg)
}
