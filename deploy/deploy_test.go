// Package deploy holds what it takes to run paxsim elsewhere: a Dockerfile
// and Kubernetes manifests. Its tests check the manifests' shape, since no
// cluster is reachable from the tests: they parse, the campaign is an
// Indexed Job whose pods each run the shard of their completion index, and
// the pods' script, run here as the Job's pods would run it, leaves results
// that paxsim merge combines into the whole campaign.
//
// The manifests are parsed with gopkg.in/yaml.v3, a test-only dependency
// (the paxsim binary does not link it): the standard library has no YAML
// parser, and a hand-written check of a YAML subset would test that subset,
// not that kubectl can read the file.
package deploy

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

// readManifests parses every document of a YAML file.
func readManifests(t *testing.T, path string) []map[string]any {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var docs []map[string]any
	for {
		var doc map[string]any
		err := dec.Decode(&doc)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("%s does not parse: %v", path, err)
		}
		docs = append(docs, doc)
	}
	return docs
}

// get walks a parsed document: keys for maps, ints for lists.
func get(t *testing.T, v any, path ...any) any {
	t.Helper()
	for i, p := range path {
		switch k := p.(type) {
		case string:
			m, ok := v.(map[string]any)
			if !ok {
				t.Fatalf("%v: not a map at %v", path, path[:i])
			}
			if v, ok = m[k]; !ok {
				t.Fatalf("%v: no %q", path, k)
			}
		case int:
			l, ok := v.([]any)
			if !ok || k >= len(l) {
				t.Fatalf("%v: no item %d at %v", path, k, path[:i])
			}
			v = l[k]
		}
	}
	return v
}

func find(t *testing.T, docs []map[string]any, kind string) map[string]any {
	t.Helper()
	for _, d := range docs {
		if d["kind"] == kind {
			return d
		}
	}
	t.Fatalf("no %s in the manifest", kind)
	return nil
}

// job is what the tests read of the campaign Job.
type job struct {
	completions, parallelism int
	env                      map[string]string
	script                   string
	mountPath                string
}

func readJob(t *testing.T) (job, []map[string]any) {
	docs := readManifests(t, "kubernetes/campaign-job.yaml")
	j := find(t, docs, "Job")
	if get(t, j, "apiVersion") != "batch/v1" {
		t.Errorf("Job apiVersion %v, want batch/v1", get(t, j, "apiVersion"))
	}
	if mode := get(t, j, "spec", "completionMode"); mode != "Indexed" {
		t.Fatalf("completionMode %v: want an Indexed Job, whose pods get JOB_COMPLETION_INDEX", mode)
	}
	var out job
	out.completions, _ = get(t, j, "spec", "completions").(int)
	out.parallelism, _ = get(t, j, "spec", "parallelism").(int)
	pod := get(t, j, "spec", "template", "spec")
	if rp := get(t, pod, "restartPolicy"); rp != "Never" {
		t.Errorf("restartPolicy %v: backoffLimitPerIndex needs Never", rp)
	}
	containers := get(t, pod, "containers").([]any)
	if len(containers) != 1 {
		t.Fatalf("%d containers, want one", len(containers))
	}
	c := containers[0]
	out.env = map[string]string{}
	for _, e := range get(t, c, "env").([]any) {
		name, value := get(t, e, "name").(string), get(t, e, "value")
		s, ok := value.(string)
		if !ok {
			t.Errorf("env %s: value %v is not a string (Kubernetes wants strings: quote it)", name, value)
		}
		out.env[name] = s
	}
	command := get(t, c, "command").([]any)
	args := get(t, c, "args").([]any)
	if len(command) != 2 || command[0] != "/bin/sh" || command[1] != "-c" || len(args) != 1 {
		t.Fatalf("command %v args %v: want /bin/sh -c SCRIPT", command, args)
	}
	out.script = args[0].(string)
	mount := get(t, c, "volumeMounts", 0)
	out.mountPath = get(t, mount, "mountPath").(string)
	volume := get(t, pod, "volumes", 0)
	if get(t, volume, "name") != get(t, mount, "name") {
		t.Errorf("the container mounts %v, the pod's volume is %v", get(t, mount, "name"), get(t, volume, "name"))
	}
	claim := get(t, volume, "persistentVolumeClaim", "claimName")
	pvc := find(t, docs, "PersistentVolumeClaim")
	if get(t, pvc, "metadata", "name") != claim {
		t.Errorf("the Job claims %v, the manifest's PersistentVolumeClaim is %v", claim, get(t, pvc, "metadata", "name"))
	}
	return out, docs
}

func TestCampaignJobIsIndexedOverShards(t *testing.T) {
	j, _ := readJob(t)
	shards, err := strconv.Atoi(j.env["SHARDS"])
	if err != nil || shards != j.completions || shards < 1 {
		t.Errorf("SHARDS=%q and completions %d: each completion index must be one shard of SHARDS", j.env["SHARDS"], j.completions)
	}
	if j.parallelism < 1 || j.parallelism > j.completions {
		t.Errorf("parallelism %d for %d completions", j.parallelism, j.completions)
	}
	if seeds, err := strconv.ParseUint(j.env["SEEDS"], 10, 64); err != nil || seeds < uint64(shards) {
		t.Errorf("SEEDS=%q for %d shards", j.env["SEEDS"], shards)
	}
	if j.env["RESULTS"] != j.mountPath {
		t.Errorf("RESULTS=%q but the volume is mounted at %q", j.env["RESULTS"], j.mountPath)
	}
	for _, want := range []string{"JOB_COMPLETION_INDEX + 1", `--shard "$shard/$SHARDS"`, "--json", `--out "$RESULTS"`, `--seeds "$SEEDS"`} {
		if !strings.Contains(j.script, want) {
			t.Errorf("the pods' script does not say %q:\n%s", want, j.script)
		}
	}
}

func TestResultsPodMountsTheCampaignVolume(t *testing.T) {
	_, docs := readJob(t)
	pvc := get(t, find(t, docs, "PersistentVolumeClaim"), "metadata", "name")
	pod := find(t, readManifests(t, "kubernetes/results-pod.yaml"), "Pod")
	if claim := get(t, pod, "spec", "volumes", 0, "persistentVolumeClaim", "claimName"); claim != pvc {
		t.Errorf("the results pod mounts %v, the campaign writes to %v", claim, pvc)
	}
}

// TestCampaignJobScriptRunsShardsThatMerge runs the Job's script here, as
// its pods would, once per completion index, with a paxsim built from this
// module and a smaller campaign, then merges the results: the merge must be
// the whole campaign. A shard that finds violations (paxsim exits 1) still
// succeeds and keeps its result; a usage error fails the pod.
func TestCampaignJobScriptRunsShardsThatMerge(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("the pods' script is for /bin/sh")
	}
	gobin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command to build paxsim with")
	}
	j, _ := readJob(t)
	bin := t.TempDir()
	build := exec.Command(gobin, "build", "-o", filepath.Join(bin, "paxsim"), "github.com/paxsim/paxsim/cmd/paxsim")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	const shards, seeds = 3, 300
	config := "--drop 0.1 --variant ignore-promised-values --max-shrinks 4"
	pod := func(index int, results, config string) (int, string) {
		cmd := exec.Command("/bin/sh", "-c", j.script)
		cmd.Env = append(os.Environ(),
			"PATH="+bin+string(os.PathListSeparator)+os.Getenv("PATH"),
			fmt.Sprintf("JOB_COMPLETION_INDEX=%d", index))
		for k, v := range j.env {
			switch k {
			case "SEEDS":
				v = strconv.Itoa(seeds)
			case "SHARDS":
				v = strconv.Itoa(shards)
			case "RESULTS":
				v = results
			case "CONFIG":
				v = config
			}
			cmd.Env = append(cmd.Env, k+"="+v)
		}
		out, err := cmd.CombinedOutput()
		var exit *exec.ExitError
		if errors.As(err, &exit) {
			return exit.ExitCode(), string(out)
		}
		if err != nil {
			t.Fatal(err)
		}
		return 0, string(out)
	}
	results := t.TempDir()
	for i := range shards {
		if code, out := pod(i, results, config); code != 0 {
			t.Fatalf("pod %d: exit %d\n%s", i, code, out)
		}
	}
	var files []string
	for i := 1; i <= shards; i++ {
		files = append(files, filepath.Join(results, fmt.Sprintf("shard-%d-of-%d.jsonl", i, shards)))
		if _, err := os.Stat(filepath.Join(results, fmt.Sprintf("shard-%d-of-%d", i, shards))); err != nil {
			t.Errorf("shard %d wrote no failure folder: %v", i, err)
		}
	}
	paxsim := func(code int, args ...string) map[string]any {
		t.Helper()
		cmd := exec.Command(filepath.Join(bin, "paxsim"), args...)
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		out, err := cmd.Output()
		var exit *exec.ExitError
		if got := 0; errors.As(err, &exit) {
			got = exit.ExitCode()
			if got != code {
				t.Fatalf("paxsim %v: exit %d, want %d\n%s", args, got, code, stderr.String())
			}
		} else if err != nil || code != 0 {
			t.Fatalf("paxsim %v: %v, want exit %d", args, err, code)
		}
		var m map[string]any
		if err := json.Unmarshal(out, &m); err != nil {
			t.Fatalf("paxsim %v: %v\n%s", args, err, out)
		}
		for _, k := range []string{"wall_seconds", "shrink_seconds", "events_per_second", "seeds_per_second"} {
			delete(m, k)
		}
		return m
	}
	work := t.TempDir()
	merged := paxsim(1, append([]string{"merge", "--json", "--out", filepath.Join(work, "out")}, files...)...)
	whole := paxsim(1, append([]string{"campaign", "--seeds", strconv.Itoa(seeds), "--json", "--out", filepath.Join(work, "out")}, strings.Fields(config)...)...)
	a, _ := json.MarshalIndent(merged, "", " ")
	b, _ := json.MarshalIndent(whole, "", " ")
	if !bytes.Equal(a, b) {
		t.Fatalf("the pods' shards merged:\n%s\ndiffer from the whole campaign:\n%s", a, b)
	}
	if merged["seeds"] != float64(seeds) || merged["violations"] == float64(0) {
		t.Fatalf("merged seeds %v violations %v", merged["seeds"], merged["violations"])
	}

	// A bad flag is the pod's failure: no result is left for merge.
	failed := t.TempDir()
	if code, out := pod(0, failed, "--bogus"); code != 2 || !strings.Contains(out, "unknown flag --bogus") {
		t.Fatalf("pod with a bad flag: exit %d\n%s", code, out)
	}
	if _, err := os.Stat(filepath.Join(failed, fmt.Sprintf("shard-1-of-%d.jsonl", shards))); !os.IsNotExist(err) {
		t.Fatalf("a failed pod left a result: %v", err)
	}
}
