package types

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
)

// AuditHashVersion is the version of the canonical audit record encoding.
// A new encoding gets a new domain tag; records never change encoding.
const AuditHashVersion = 1

// auditDomainV1 starts every version-1 encoding: the ASCII bytes
// "clearchain/audit/v1" followed by one zero byte.
var auditDomainV1 = []byte("clearchain/audit/v1\x00")

// AuditHashSize is the size of a record hash (sha256).
const AuditHashSize = sha256.Size

// ZeroAuditHash is the prev_hash of the first record (sequence 1): 32 zero
// bytes.
var ZeroAuditHash = make([]byte, AuditHashSize)

// AuditRecordBytes is the canonical version-1 encoding of r that its hash
// commits to (see README "Audit hash chain"):
//
//	"clearchain/audit/v1" 0x00
//	sequence              uint64, big-endian
//	height                int64, big-endian two's complement
//	time seconds          int64, big-endian (Unix seconds, UTC)
//	time nanos            uint32, big-endian (0..999999999)
//	actor, action, subject, details: each uint32 big-endian byte length, then the UTF-8 bytes
//	prev_hash             uint32 big-endian length (32), then the bytes
//
// The hash field itself is not encoded.
func AuditRecordBytes(r AuditRecord) []byte {
	var b bytes.Buffer
	b.Grow(len(auditDomainV1) + 8*3 + 4*6 + len(r.Actor) + len(r.Action) + len(r.Subject) + len(r.Details) + len(r.PrevHash))
	b.Write(auditDomainV1)
	var u8 [8]byte
	var u4 [4]byte
	put64 := func(v uint64) { binary.BigEndian.PutUint64(u8[:], v); b.Write(u8[:]) }
	put32 := func(v uint32) { binary.BigEndian.PutUint32(u4[:], v); b.Write(u4[:]) }
	putBytes := func(p []byte) { put32(uint32(len(p))); b.Write(p) } //nolint:gosec // bounded by MaxReasonLength and the tx size
	put64(r.Sequence)
	put64(uint64(r.Height)) //nolint:gosec // two's complement, documented
	t := r.Time.UTC()
	put64(uint64(t.Unix())) //nolint:gosec // two's complement, documented
	put32(uint32(t.Nanosecond()))
	putBytes([]byte(r.Actor))
	putBytes([]byte(r.Action))
	putBytes([]byte(r.Subject))
	putBytes([]byte(r.Details))
	putBytes(r.PrevHash)
	return b.Bytes()
}

// AuditRecordHash is sha256 of AuditRecordBytes(r).
func AuditRecordHash(r AuditRecord) []byte {
	h := sha256.Sum256(AuditRecordBytes(r))
	return h[:]
}

// AuditChainError names the first record whose link or hash is wrong.
type AuditChainError struct {
	Sequence uint64
	Reason   string
}

func (e *AuditChainError) Error() string {
	return fmt.Sprintf("audit chain broken at sequence %d: %s", e.Sequence, e.Reason)
}

// AuditChainVerifier re-derives the hash chain one record at a time, in
// sequence order, so a caller can page through a long trail. Both genesis
// validation and `cleard query compliance verify-audit` use it.
type AuditChainVerifier struct {
	last uint64
	head []byte
}

// NewAuditChainVerifier starts a chain at sequence 0 with the zero hash.
func NewAuditChainVerifier() *AuditChainVerifier {
	return &AuditChainVerifier{head: ZeroAuditHash}
}

// Next checks r: its sequence follows the previous one, its prev_hash is the
// previous hash and its hash is its own re-derived hash.
func (v *AuditChainVerifier) Next(r AuditRecord) error {
	if r.Sequence != v.last+1 {
		return &AuditChainError{Sequence: v.last + 1, Reason: fmt.Sprintf("missing (found sequence %d next)", r.Sequence)}
	}
	if !bytes.Equal(r.PrevHash, v.head) {
		return &AuditChainError{Sequence: r.Sequence, Reason: fmt.Sprintf("prev_hash %X is not the hash %X of sequence %d", r.PrevHash, v.head, v.last)}
	}
	want := AuditRecordHash(r)
	if !bytes.Equal(r.Hash, want) {
		return &AuditChainError{Sequence: r.Sequence, Reason: fmt.Sprintf("hash %X differs from the re-derived %X (record altered)", r.Hash, want)}
	}
	v.last, v.head = r.Sequence, want
	return nil
}

// Last returns the sequence of the last record checked (0: none yet).
func (v *AuditChainVerifier) Last() uint64 { return v.last }

// Head returns the sequence and hash of the last record checked.
func (v *AuditChainVerifier) Head() (uint64, []byte) { return v.last, v.head }

// CheckHead compares the re-derived head with the one the chain reports.
func (v *AuditChainVerifier) CheckHead(seq uint64, hash []byte) error {
	if seq != v.last {
		return &AuditChainError{Sequence: min(seq, v.last) + 1, Reason: fmt.Sprintf("head sequence %d, re-derived %d", seq, v.last)}
	}
	if !bytes.Equal(hash, v.head) {
		return &AuditChainError{Sequence: seq, Reason: fmt.Sprintf("head hash %X differs from the re-derived %X", hash, v.head)}
	}
	return nil
}

// VerifyAuditChain checks records (sorted by sequence, starting at 1) form
// an intact chain whose head is (headSeq, headHash); it returns the
// re-derived head hash or an *AuditChainError naming the first bad sequence.
func VerifyAuditChain(records []AuditRecord, headSeq uint64, headHash []byte) ([]byte, error) {
	v := NewAuditChainVerifier()
	for _, r := range records {
		if err := v.Next(r); err != nil {
			return nil, err
		}
	}
	if err := v.CheckHead(headSeq, headHash); err != nil {
		return nil, err
	}
	_, h := v.Head()
	return h, nil
}

// HexHash formats a hash as lower-case hex.
func HexHash(h []byte) string { return hex.EncodeToString(h) }
