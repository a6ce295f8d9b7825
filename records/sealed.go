package records

import (
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"entgo.io/ent/dialect/sql"

	"consentgate/ent"
	"consentgate/ent/accessrecord"
	"consentgate/ent/hooks"
	"consentgate/ent/privacy"
	"consentgate/ent/sealedsubject"
)

// LegalPeriod is how long a record of provision is kept after its time
// (APPI Art. 29 and 30 with the Enforcement Rules: three years for records
// of provision to third parties). A subject's sealed identity is kept
// until the latest of their records has reached it. The one place the
// period is set: the retention policy points here.
func LegalPeriod() time.Duration { return 3 * 365 * 24 * time.Hour }

// KeySize is the size of a Sealer's key: AES-256.
const KeySize = 32

// sealVersion is the first byte of a sealed blob: the format (AES-256-GCM,
// a 12-byte random nonce, the subject's pseudonym as additional data).
const sealVersion = 1

// ErrNoSealer is returned when a subject with records of provision within
// their period is erased without a sealing key: the erasure fails rather
// than lose the identity the records need.
var ErrNoSealer = errors.New("records: no key to seal the erased subject's identity")

// ErrUnsealable is returned for a sealed blob that does not open under the
// key (another key, or altered): it names no value.
var ErrUnsealable = errors.New("records: the sealed identity does not open under this key")

// Sealer seals and opens erased subjects' identities (AES-256-GCM), each
// bound to the subject's pseudonym: a blob moved to another row does not
// open.
type Sealer struct{ aead cipher.AEAD }

// NewSealer returns a sealer of key (KeySize bytes).
func NewSealer(key []byte) (*Sealer, error) {
	if len(key) != KeySize {
		return nil, fmt.Errorf("records: a sealing key is %d bytes, not %d", KeySize, len(key))
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	return &Sealer{aead: aead}, nil
}

// Identity is what identifies an erased subject: kept sealed while their
// records of provision are kept.
type Identity struct {
	ApplicantID int        `json:"applicantID"`
	AccountID   string     `json:"accountID"`
	Name        string     `json:"name"`
	NameKana    string     `json:"nameKana,omitempty"`
	Email       string     `json:"email"`
	Phone       string     `json:"phone,omitempty"`
	BirthDate   *time.Time `json:"birthDate,omitempty"`
}

// Seal returns id sealed for the subject with pseudonym ref.
func (s *Sealer) Seal(ref string, id Identity) ([]byte, error) {
	plain, err := json.Marshal(id)
	if err != nil {
		return nil, err
	}
	nonce := make([]byte, s.aead.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return nil, err
	}
	out := append([]byte{sealVersion}, nonce...)
	return s.aead.Seal(out, nonce, plain, []byte(ref)), nil
}

// Open returns the identity sealed in blob for the subject with pseudonym
// ref, or ErrUnsealable.
func (s *Sealer) Open(ref string, blob []byte) (Identity, error) {
	var id Identity
	n := s.aead.NonceSize()
	if len(blob) < 1+n || blob[0] != sealVersion {
		return id, ErrUnsealable
	}
	plain, err := s.aead.Open(nil, blob[1:1+n], blob[1+n:], []byte(ref))
	if err != nil {
		return id, ErrUnsealable
	}
	if err := json.Unmarshal(plain, &id); err != nil {
		return id, ErrUnsealable
	}
	return id, nil
}

type sealerKey struct{}

// WithSealer returns a copy of ctx carrying s, for the erasure, which runs
// deep inside a privacy request's completion.
func WithSealer(ctx context.Context, s *Sealer) context.Context {
	return context.WithValue(ctx, sealerKey{}, s)
}

// SealerFrom returns the sealer ctx carries, or nil.
func SealerFrom(ctx context.Context) *Sealer {
	s, _ := ctx.Value(sealerKey{}).(*Sealer)
	return s
}

// Seal keeps the identity of a subject being erased, in client (the
// erasure's transaction), if any of their records of provision is still
// within its period at now: one row, their pseudonym and their identity
// sealed with the sealer ctx carries (ErrNoSealer without one), to be
// purged once the latest record has reached LegalPeriod. It must run
// before the records' subject is cleared. It reports whether it sealed.
func Seal(ctx context.Context, client *ent.Client, id Identity, now time.Time) (bool, error) {
	ctx = privacy.DecisionContext(ctx, privacy.Allow)
	latest, err := client.AccessRecord.Query().Where(accessrecord.SubjectID(id.ApplicantID)).
		Order(ent.Desc(accessrecord.FieldAt), ent.Desc(accessrecord.FieldID)).First(ctx)
	if ent.IsNotFound(err) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	purgeAfter := latest.At.Add(LegalPeriod()).UTC()
	if !purgeAfter.After(now) {
		return false, nil // every record is past its period: the retention purge removes them
	}
	s := SealerFrom(ctx)
	if s == nil {
		return false, ErrNoSealer
	}
	blob, err := s.Seal(latest.SubjectRef, id)
	if err != nil {
		return false, err
	}
	// One row per subject: a subject is erased once (a second erasure
	// finds them erased and fails before this).
	err = client.SealedSubject.Create().SetSubjectRef(latest.SubjectRef).SetSealed(blob).
		SetSealedAt(now.UTC()).SetPurgeAfter(purgeAfter).Exec(ctx)
	if err != nil {
		return false, fmt.Errorf("sealing the identity: %w", err)
	}
	return true, nil
}

// PurgeSealed removes the sealed identities whose purge_after has passed
// at now (the retention sweeper's clock) and of whom no record is left
// (a policy may keep the records longer than LegalPeriod: the identity
// stays as long as they do), and returns how many. Nothing else removes
// one (hooks.SealedInsertOnly).
func PurgeSealed(ctx context.Context, client *ent.Client, now time.Time) (int, error) {
	ctx = hooks.WithPurgeTime(privacy.DecisionContext(ctx, privacy.Allow), now)
	return client.SealedSubject.Delete().Where(sealedsubject.PurgeAfterLTE(now.UTC()), func(s *sql.Selector) {
		t := sql.Table(accessrecord.Table)
		left := sql.Select(t.C(accessrecord.FieldID)).From(t).
			Where(sql.ColumnsEQ(t.C(accessrecord.FieldSubjectRef), s.C(sealedsubject.FieldSubjectRef)))
		s.Where(sql.NotExists(left))
	}).Exec(ctx)
}
