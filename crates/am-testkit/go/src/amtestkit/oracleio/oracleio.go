// Package oracleio is the stdin/stdout protocol shared by the workspace's Go oracle programs
// (built by am_testkit::build_go_program, which puts this directory's GOPATH root after
// Debian's): one JSON value per input line, one JSON value per output line. A malformed input
// line or a failed write ends the program with status 2 and a message on stderr, which the
// Rust side shows.
package oracleio

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
)

// Session reads JSON lines from stdin and writes JSON lines to stdout.
type Session struct {
	in  *bufio.Scanner
	out *bufio.Writer
	enc *json.Encoder
}

// Open starts a session; input lines may be up to 64 MiB long.
func Open() *Session {
	in := bufio.NewScanner(os.Stdin)
	in.Buffer(make([]byte, 1<<20), 1<<26)
	out := bufio.NewWriter(os.Stdout)
	enc := json.NewEncoder(out)
	enc.SetEscapeHTML(false)
	return &Session{in: in, out: out, enc: enc}
}

// Read decodes the next input line into v; false at the end of the input.
func (s *Session) Read(v interface{}) bool {
	if !s.in.Scan() {
		if err := s.in.Err(); err != nil {
			Fail("read: %v", err)
		}
		return false
	}
	if err := json.Unmarshal(s.in.Bytes(), v); err != nil {
		Fail("bad input line: %v", err)
	}
	return true
}

// Write encodes v as one output line.
func (s *Session) Write(v interface{}) {
	if err := s.enc.Encode(v); err != nil {
		Fail("encode: %v", err)
	}
}

// Close flushes the output.
func (s *Session) Close() {
	if err := s.out.Flush(); err != nil {
		Fail("flush: %v", err)
	}
}

// Serve answers every input line, decoded as a Req, with one line holding handle's reply.
func Serve[Req, Reply any](handle func(Req) Reply) {
	s := Open()
	for {
		var req Req
		if !s.Read(&req) {
			break
		}
		s.Write(handle(req))
	}
	s.Close()
}

// Fail prints a message on stderr and exits with status 2.
func Fail(format string, args ...interface{}) {
	fmt.Fprintf(os.Stderr, "oracle: "+format+"\n", args...)
	os.Exit(2)
}
