package report

import (
	"fmt"
	"io"
	"text/tabwriter"

	"github.com/paxsim/paxsim/engine"
)

// Variant is one entry of the variant catalogue.
type Variant struct {
	Protocol string `json:"protocol"`
	Name     string `json:"name"`
	Breaks   string `json:"breaks"`
	Summary  string `json:"summary"`
}

// Variants lists the variants of the protocols infos describe: each
// protocol's correct one, none, first.
func Variants(infos ...*engine.Info) []Variant {
	var list []Variant
	for _, info := range infos {
		list = append(list, Variant{info.Name, engine.Correct, "", "the correct protocol"})
		for _, v := range info.Variants {
			list = append(list, Variant{info.Name, v.Name, string(v.Breaks), v.Summary})
		}
	}
	return list
}

// WriteVariants writes the list as a table, the name --variant takes
// first.
func WriteVariants(w io.Writer, list []Variant) error {
	tw := tabwriter.NewWriter(w, 0, 8, 2, ' ', 0)
	fmt.Fprintf(tw, "VARIANT\tPROTOCOL\tBREAKS\tSUMMARY\n")
	for _, v := range list {
		breaks := v.Breaks
		if breaks == "" {
			breaks = "-"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", v.Name, v.Protocol, breaks, v.Summary)
	}
	return tw.Flush()
}
