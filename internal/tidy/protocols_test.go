package tidy

import (
	"bufio"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// protocolNames are what code outside the adapters must not compare
// against: paxsim's own protocols' names, or any literal name.
var protocolNames = regexp.MustCompile(`"(paxos|multipaxos)"|Protocol *(==|!=) *"`)

// protocolCompared is a protocol compared with anything, which the
// packages that drive every protocol and check no configuration against
// one (genericDirs) have no use for: they hold a *harness.Protocol, never
// a name to test. (The acceptance check greps them for this pattern.)
var protocolCompared = regexp.MustCompile(`Protocol *(==|!=)`)

// emptyCompared is a comparison with the empty string: a flag not set,
// not a protocol named.
var emptyCompared = regexp.MustCompile(`(==|!=) *""`)

// genericDirs are those packages: the campaign, the main package and the
// mutation score, and the simulator, explorer, checker and diagrams below
// them.
var genericDirs = []string{"campaign", "cmd", "mutants", "sim", "explore", "checker", "diagram"}

// referenceProtocols are the packages of paxsim's own protocols, which
// only their adapters (adapter/) may import.
var referenceProtocols = regexp.MustCompile(`"github\.com/paxsim/paxsim/protocol(/multipaxos)?"`)

// TestNoProtocolNames holds the design of one protocol interface: outside
// the adapters (adapter/, and the protocols themselves in protocol/), no
// non-test code names one of paxsim's own protocols, compares a
// protocol's name, or imports a protocol's package. Every verb works for
// any protocol a binary registers, paxsim's own included, through
// engine.Protocol.
func TestNoProtocolNames(t *testing.T) {
	root := filepath.Join("..", "..")
	err := filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		if d.IsDir() {
			switch rel {
			case "adapter", "protocol", "examples", ".git", "testdata":
				return filepath.SkipDir
			}
			return nil
		}
		if strings.HasSuffix(path, ".go") && !strings.HasSuffix(path, "_test.go") {
			checkProtocolNames(t, path, rel)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// checkProtocolNames reports each line of the file at path that names a
// reference protocol or imports one.
func checkProtocolNames(t *testing.T, path, rel string) {
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		if strings.HasPrefix(strings.TrimSpace(line), "//") || emptyCompared.MatchString(line) {
			continue
		}
		generic := slices.Contains(genericDirs, strings.Split(filepath.ToSlash(rel), "/")[0])
		if protocolNames.MatchString(line) || referenceProtocols.MatchString(line) || (generic && protocolCompared.MatchString(line)) {
			t.Errorf("%s:%d: %s: outside adapter/, code names no protocol and imports none (go through engine.Protocol)", rel, n, strings.TrimSpace(line))
		}
	}
}
