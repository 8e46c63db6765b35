package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/convexgw/convexgw/convexclient"
)

func main() { os.Exit(run(os.Args[1:], os.Stdout, os.Stderr)) }

// run is main without the process: it returns the exit code (2 for bad
// flags, 1 when generation fails).
func run(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("convexgen", flag.ContinueOnError)
	fs.SetOutput(stderr)
	specFile := fs.String("spec", "", "the output of `npx convex function-spec` (required)")
	pkg := fs.String("package", "", "package name of the generated file (required)")
	out := fs.String("out", "", "the file to write; standard output when empty or -")
	expose := fs.String("expose", "", "comma-separated patterns of functions to expose through the passthrough, e.g. 'messages:*,users:me'")
	exclude := fs.String("exclude", "", "comma-separated patterns of functions to leave out, e.g. 'auth:*'")
	configFile := fs.String("config", "", "a JSON file {\"expose\": [patterns], \"exclude\": [patterns]}, added to -expose and -exclude")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if *specFile == "" || *pkg == "" || fs.NArg() > 0 {
		fmt.Fprintln(stderr, "convexgen: usage: convexgen -spec function_spec.json -package NAME [-out FILE.go] [-expose PATTERNS] [-exclude PATTERNS] [-config convexgen.json]")
		return 2
	}
	if err := generateFile(*specFile, *pkg, *out, *expose, *exclude, *configFile, stdout); err != nil {
		fmt.Fprintf(stderr, "convexgen: %v\n", err)
		return 1
	}
	return 0
}

// generateFile reads the spec and the exposure marks, generates, and writes
// the result to out (atomically: a file is either the old or the new one).
func generateFile(specFile, pkg, out, expose, exclude, configFile string, stdout io.Writer) error {
	data, err := os.ReadFile(specFile)
	if err != nil {
		return err
	}
	spec, err := convexclient.ParseFunctionSpec(data)
	if err != nil {
		return fmt.Errorf("%s: %w", specFile, err)
	}
	patterns, excluded := splitPatterns(expose), splitPatterns(exclude)
	if configFile != "" {
		c, err := loadConfig(configFile)
		if err != nil {
			return err
		}
		patterns = append(patterns, c.Expose...)
		excluded = append(excluded, c.Exclude...)
	}
	if spec.Functions, err = exclusion(excluded, spec.Functions); err != nil {
		return err
	}
	exposed, err := exposure(patterns, spec.Functions)
	if err != nil {
		return err
	}
	src, err := generate(spec, options{pkg: pkg, source: filepath.Base(specFile), exposed: exposed})
	if err != nil {
		return fmt.Errorf("%s: %w", specFile, err)
	}
	if out == "" || out == "-" {
		_, err := stdout.Write(src)
		return err
	}
	return writeAtomic(out, src)
}

// writeAtomic writes data to a temporary file beside path and renames it
// over path.
func writeAtomic(path string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name()) // after a successful rename there is nothing left to remove
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Chmod(0o644); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}
