package requests_test

import (
	"bytes"
	"encoding/json"
	"testing"

	"consentgate/ent"
	"consentgate/ent/privacyrequest"
)

// TestResultsAsStored checks that every kind's result is stored as the maps
// it was first stored as encoded it: the same keys, in their sorted order
// (encoding/json sorts a map's keys; a struct's fields keep their order).
func TestResultsAsStored(t *testing.T) {
	city := "Kawasaki"
	for _, tc := range []struct {
		kind    privacyrequest.Kind
		changes *ent.UpdateApplicantInput
	}{
		{privacyrequest.KindNOTICE, nil},
		{privacyrequest.KindDISCLOSURE, nil},
		{privacyrequest.KindCORRECTION, &ent.UpdateApplicantInput{City: &city, ClearBuilding: true}},
		{privacyrequest.KindADDITION, &ent.UpdateApplicantInput{AppendSkills: []string{"Rust"}}},
		{privacyrequest.KindCEASE_OF_USE, nil},
		{privacyrequest.KindCEASE_OF_PROVISION, nil},
		{privacyrequest.KindDELETION, nil},
	} {
		t.Run(string(tc.kind), func(t *testing.T) {
			w := newWorld()
			defer w.close()
			w.complete(privacyrequest.KindCORRECTION, &ent.UpdateApplicantInput{City: &city}) // a request with changes, disclosed
			raw := w.complete(tc.kind, tc.changes)
			var generic any
			if err := json.Unmarshal(raw, &generic); err != nil {
				t.Fatal(err)
			}
			asMaps, err := json.Marshal(generic)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(raw, asMaps) {
				t.Errorf("stored:\n%s\nas maps:\n%s", raw, asMaps)
			}
		})
	}
}
