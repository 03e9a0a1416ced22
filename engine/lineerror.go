package engine

import "fmt"

// LineError is an input file that cannot be read or run, with the line at
// fault: a decision trace, a scenario script, a reproducer. The CLI exits
// 2 on one.
type LineError struct {
	File string
	Line int
	Msg  string
}

func (e *LineError) Error() string {
	if e.File == "" {
		return fmt.Sprintf("line %d: %s", e.Line, e.Msg)
	}
	return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg)
}
