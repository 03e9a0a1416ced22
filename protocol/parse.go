package protocol

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/paxsim/paxsim/checker"
)

// ParseMsg reads a message as Msg.String writes it: "Prepare(1.2)",
// "Promise(2.1, accepted=(1.2, v1))", "Request(client 1, v1)", ...
func ParseMsg(text string) (Msg, error) {
	name, rest, _ := strings.Cut(text, "(")
	args := strings.Fields(strings.NewReplacer(",", " ", ")", " ", "(", " ", "=", " ").Replace(rest))
	var m Msg
	for t := Request; t <= LearnReq; t++ {
		if t.String() == name {
			m.Type = t
		}
	}
	var err error
	switch m.Type {
	case 0:
		return m, fmt.Errorf("message %q: unknown type %q (want Request, Prepare, Promise, Accept, Accepted, Nack, Commit or LearnReq)", text, name)
	case Request:
		err = parseArgs(args, "client", &m.Client, &m.Value)
	case Prepare:
		err = parseArgs(args, &m.Ballot)
	case Promise:
		err = parseArgs(args, &m.Ballot, "accepted", &m.Prior, &m.Value)
	case Accept, Accepted:
		err = parseArgs(args, &m.Ballot, &m.Value)
	case Nack:
		err = parseArgs(args, "promised", &m.Ballot)
	case Commit:
		err = parseArgs(args, &m.Value)
	}
	if err == nil && m.String() != text {
		err = fmt.Errorf("not written as %s writes it (%q)", m.Type, m.String())
	}
	if err != nil {
		return Msg{}, fmt.Errorf("message %q: %v", text, err)
	}
	return m, nil
}

// parseArgs reads args into dst: a string is a literal word, a *Ballot a
// ballot, a *Value a value, an *int32 a number.
func parseArgs(args []string, dst ...any) error {
	if len(args) != len(dst) {
		return fmt.Errorf("want %d fields, found %d", len(dst), len(args))
	}
	for i, d := range dst {
		var err error
		switch d := d.(type) {
		case string:
			if args[i] != d {
				err = fmt.Errorf("want %q, found %q", d, args[i])
			}
		case *Ballot:
			*d, err = checker.ParseBallot(args[i])
		case *Value:
			*d, err = checker.ParseValue(args[i])
		case *int32:
			var n int64
			n, err = strconv.ParseInt(args[i], 10, 32)
			*d = int32(n)
		}
		if err != nil {
			return err
		}
	}
	return nil
}
