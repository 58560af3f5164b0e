// Command memberlist_node is a raw hashicorp/memberlist 0.2.2 node (Debian's package, the
// version Go Alertmanager 0.25 links) for the cluster interop tests. It joins a node given on
// the command line and reports, as JSON lines on stdout, what it decoded from it: member
// events, gossip and reliable user messages (Alertmanager `clusterpb.Part`s holding silences
// or notification-log entries) and push/pull states. It can also send a silence of its own.
//
// Flags: -bind 127.0.0.1:PORT -join HOST:PORT -name NAME [-gossip -probe -probe-timeout
// -pushpull durations]. Commands on stdin, one per line:
//
//	members          print {"event":"members",...} with every node's state and ack counts
//	silence N        send a silence with an N-byte comment (gossip, or TCP when > 700 bytes)
//	leave / EOF      leave the cluster, shut down and exit
package main

import (
	"bufio"
	"crypto/rand"
	"encoding/binary"
	"encoding/json"
	"flag"
	"fmt"
	"net"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/hashicorp/memberlist"
	"github.com/prometheus/alertmanager/cluster/clusterpb"
	"github.com/prometheus/alertmanager/nflog/nflogpb"
	"github.com/prometheus/alertmanager/silence/silencepb"
)

var (
	outMu sync.Mutex
	enc   = json.NewEncoder(os.Stdout)
)

func emit(v map[string]interface{}) {
	outMu.Lock()
	defer outMu.Unlock()
	if err := enc.Encode(v); err != nil {
		fmt.Fprintln(os.Stderr, "encode:", err)
	}
}

// delimited splits a stream of varint-length-prefixed protobuf messages (pbutil framing).
func delimited(b []byte) ([][]byte, error) {
	var out [][]byte
	for len(b) > 0 {
		n, k := binary.Uvarint(b)
		if k <= 0 || uint64(len(b)-k) < n {
			return nil, fmt.Errorf("bad length prefix")
		}
		out = append(out, b[k:k+int(n)])
		b = b[k+int(n):]
	}
	return out, nil
}

// describePart decodes one Alertmanager state part ("sil" or "nfl").
func describePart(key string, data []byte) map[string]interface{} {
	d := map[string]interface{}{"key": key, "data_size": len(data)}
	msgs, err := delimited(data)
	if err != nil {
		d["error"] = err.Error()
		return d
	}
	switch key {
	case "sil":
		var sils []map[string]interface{}
		for _, m := range msgs {
			var s silencepb.MeshSilence
			if err := s.Unmarshal(m); err != nil || s.Silence == nil {
				d["error"] = fmt.Sprintf("silence: %v", err)
				return d
			}
			sils = append(sils, map[string]interface{}{
				"id": s.Silence.Id, "comment_len": len(s.Silence.Comment),
				"ends_at": s.Silence.EndsAt.Format(time.RFC3339Nano),
			})
		}
		d["silences"] = sils
	case "nfl":
		var entries []map[string]interface{}
		for _, m := range msgs {
			var e nflogpb.MeshEntry
			if err := e.Unmarshal(m); err != nil || e.Entry == nil {
				d["error"] = fmt.Sprintf("nflog: %v", err)
				return d
			}
			recv := ""
			if e.Entry.Receiver != nil {
				recv = e.Entry.Receiver.GroupName
			}
			entries = append(entries, map[string]interface{}{
				"group_key": string(e.Entry.GroupKey), "receiver": recv,
			})
		}
		d["nflog"] = entries
	}
	return d
}

type broadcast []byte

func (b broadcast) Invalidates(memberlist.Broadcast) bool { return false }
func (b broadcast) Message() []byte                       { return b }
func (b broadcast) Finished()                             {}

type delegate struct {
	queue *memberlist.TransmitLimitedQueue
	mu    sync.Mutex
	acks  map[string]int
}

func (d *delegate) NodeMeta(int) []byte { return nil }

func (d *delegate) NotifyMsg(b []byte) {
	var p clusterpb.Part
	if err := p.Unmarshal(b); err != nil {
		emit(map[string]interface{}{"event": "user", "size": len(b), "error": err.Error()})
		return
	}
	ev := describePart(p.Key, p.Data)
	ev["event"] = "user"
	ev["size"] = len(b)
	emit(ev)
}

func (d *delegate) GetBroadcasts(overhead, limit int) [][]byte {
	return d.queue.GetBroadcasts(overhead, limit)
}

func (d *delegate) LocalState(bool) []byte {
	b, _ := (&clusterpb.FullState{}).Marshal()
	return b
}

func (d *delegate) MergeRemoteState(buf []byte, join bool) {
	var fs clusterpb.FullState
	ev := map[string]interface{}{"event": "state", "join": join, "size": len(buf)}
	if err := fs.Unmarshal(buf); err != nil {
		ev["error"] = err.Error()
		emit(ev)
		return
	}
	var parts []map[string]interface{}
	for _, p := range fs.Parts {
		parts = append(parts, describePart(p.Key, p.Data))
	}
	ev["parts"] = parts
	emit(ev)
}

func (d *delegate) NotifyJoin(n *memberlist.Node) {
	emit(map[string]interface{}{"event": "join", "name": n.Name, "addr": n.Address()})
}

func (d *delegate) NotifyLeave(n *memberlist.Node) {
	emit(map[string]interface{}{"event": "leave", "name": n.Name, "addr": n.Address()})
}

func (d *delegate) NotifyUpdate(n *memberlist.Node) {
	emit(map[string]interface{}{"event": "update", "name": n.Name, "addr": n.Address()})
}

func (d *delegate) AckPayload() []byte { return nil }

func (d *delegate) NotifyPingComplete(n *memberlist.Node, _ time.Duration, _ []byte) {
	d.mu.Lock()
	d.acks[n.Name]++
	d.mu.Unlock()
}

func uuid() string {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic(err)
	}
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:])
}

// sendSilence gossips (or, above 700 bytes like Alertmanager's channel, sends over TCP to
// every other member) a new silence matching job="oracle".
func sendSilence(ml *memberlist.Memberlist, d *delegate, commentLen int) {
	now := time.Now().UTC()
	comment := "from the memberlist oracle"
	if commentLen > 0 {
		comment = strings.Repeat("o", commentLen)
	}
	s := &silencepb.MeshSilence{
		Silence: &silencepb.Silence{
			Id:        uuid(),
			Matchers:  []*silencepb.Matcher{{Type: silencepb.Matcher_EQUAL, Name: "job", Pattern: "oracle"}},
			StartsAt:  now,
			EndsAt:    now.Add(time.Hour),
			UpdatedAt: now,
			CreatedBy: "oracle",
			Comment:   comment,
		},
		ExpiresAt: now.Add(time.Hour + 120*time.Hour),
	}
	m, err := s.Marshal()
	if err != nil {
		panic(err)
	}
	var prefix [binary.MaxVarintLen64]byte
	data := append(prefix[:binary.PutUvarint(prefix[:], uint64(len(m)))], m...)
	part, err := (&clusterpb.Part{Key: "sil", Data: data}).Marshal()
	if err != nil {
		panic(err)
	}
	reliable := len(part) > 700
	ev := map[string]interface{}{"event": "sent_silence", "id": s.Silence.Id, "size": len(part), "reliable": reliable}
	if reliable {
		for _, n := range ml.Members() {
			if n.Name == ml.LocalNode().Name {
				continue
			}
			if err := ml.SendReliable(n, part); err != nil {
				ev["error"] = err.Error()
			}
		}
	} else {
		d.queue.QueueBroadcast(broadcast(part))
	}
	emit(ev)
}

func main() {
	bind := flag.String("bind", "127.0.0.1:0", "bind address")
	join := flag.String("join", "", "address to join")
	name := flag.String("name", "memberlist-oracle", "node name")
	gossip := flag.Duration("gossip", 50*time.Millisecond, "gossip interval")
	probe := flag.Duration("probe", 250*time.Millisecond, "probe interval")
	probeTimeout := flag.Duration("probe-timeout", 100*time.Millisecond, "probe timeout")
	pushPull := flag.Duration("pushpull", 500*time.Millisecond, "push/pull interval")
	flag.Parse()

	host, portText, err := net.SplitHostPort(*bind)
	if err != nil {
		panic(err)
	}
	port, err := strconv.Atoi(portText)
	if err != nil {
		panic(err)
	}
	d := &delegate{acks: map[string]int{}}
	cfg := memberlist.DefaultLANConfig()
	cfg.Name = *name
	cfg.BindAddr = host
	cfg.BindPort = port
	cfg.AdvertiseAddr = host
	cfg.AdvertisePort = port
	cfg.GossipInterval = *gossip
	cfg.ProbeInterval = *probe
	cfg.ProbeTimeout = *probeTimeout
	cfg.PushPullInterval = *pushPull
	cfg.TCPTimeout = 5 * time.Second
	cfg.GossipNodes = 3
	cfg.UDPBufferSize = 1400
	cfg.Delegate = d
	cfg.Events = d
	cfg.Ping = d
	cfg.LogOutput = os.Stderr
	ml, err := memberlist.Create(cfg)
	if err != nil {
		emit(map[string]interface{}{"event": "error", "error": err.Error()})
		os.Exit(1)
	}
	d.queue = &memberlist.TransmitLimitedQueue{NumNodes: ml.NumMembers, RetransmitMult: 3}
	emit(map[string]interface{}{"event": "started", "name": ml.LocalNode().Name, "addr": ml.LocalNode().Address()})
	if *join != "" {
		n, err := ml.Join([]string{*join})
		if err != nil {
			emit(map[string]interface{}{"event": "join_error", "error": err.Error()})
		} else {
			emit(map[string]interface{}{"event": "joined", "contacted": n})
		}
	}

	in := bufio.NewScanner(os.Stdin)
	for in.Scan() {
		fields := strings.Fields(in.Text())
		if len(fields) == 0 {
			continue
		}
		switch fields[0] {
		case "members":
			var members []map[string]interface{}
			for _, n := range ml.Members() {
				members = append(members, map[string]interface{}{
					"name": n.Name, "addr": n.Address(), "state": int(n.State),
				})
			}
			d.mu.Lock()
			acks := map[string]int{}
			for k, v := range d.acks {
				acks[k] = v
			}
			d.mu.Unlock()
			emit(map[string]interface{}{"event": "members", "members": members, "acks": acks,
				"health": ml.GetHealthScore()})
		case "silence":
			size := 0
			if len(fields) > 1 {
				size, _ = strconv.Atoi(fields[1])
			}
			sendSilence(ml, d, size)
		case "leave":
			goto leave
		}
	}
leave:
	err = ml.Leave(2 * time.Second)
	_ = ml.Shutdown()
	ev := map[string]interface{}{"event": "left"}
	if err != nil {
		ev["error"] = err.Error()
	}
	emit(ev)
}
