//go:build unix

package graph

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"testing"
	"time"

	"entgo.io/ent/dialect"
	"entgo.io/ent/dialect/sql"

	"consentgate/consent"
	"consentgate/ent"
	"consentgate/ent/applicant"
	"consentgate/ent/application"
	"consentgate/ent/rule"
	"consentgate/ledger"
)

// TestAggregateCells: the tallies the database computes for a statistic
// (aggregateCells) are those of the applicants read one by one and
// generalised in Go (aggregateRowsForTest, consent.AgeBand,
// consent.WholeDays), for every dimension, alone and together, under both
// aggregate purposes, on SQLite and PostgreSQL, on a generated world with
// birthdays and times to hire at the edges of their bands, at several
// dates (a February 29 among them).
func TestAggregateCells(t *testing.T) {
	for _, backend := range []string{"sqlite", "postgres"} {
		t.Run(backend, func(t *testing.T) {
			ctx := context.Background()
			db, drv, dialectName := openScaleDB(t, backend)
			client := ent.NewClient(ent.Driver(drv))
			if err := client.Schema.Create(ctx); err != nil {
				t.Fatal(err)
			}
			if err := generateWorld(ctx, db, dialectName, 2_000); err != nil {
				t.Fatal(err)
			}
			if _, err := ledger.Rebuild(ctx, client); err != nil {
				t.Fatal(err)
			}
			g := sqlGen{dialect: dialectName}
			// Birthdays on the days around February 29 and around the
			// dates the test counts at, in years five apart.
			birthdays := [][2]int{{2, 28}, {2, 29}, {3, 1}, {6, 14}, {6, 15}, {6, 16}, {12, 31}, {1, 1}}
			for i, md := range birthdays {
				year := 1996 - 5*(i%4)
				if md == [2]int{2, 29} {
					year = 1996
				}
				set := fmt.Sprintf("UPDATE applicants SET birth_date = %s WHERE id IN (SELECT id FROM applicants ORDER BY id LIMIT 40 OFFSET %d)",
					g.date(strconv.Itoa(year), strconv.Itoa(md[0]), strconv.Itoa(md[1])), 40*i)
				if _, err := db.ExecContext(ctx, set); err != nil {
					t.Fatal(err)
				}
			}
			// Hires that took half a day, just under and over, none, less
			// than none, half-day boundaries, and beyond the clip.
			for i, secs := range []int{43_199, 43_200, 86_399, 0, -3600, 907_200, 907_199, 400 * 86_400, 365*86_400 + 43_200} {
				later := fmt.Sprintf("strftime('%%Y-%%m-%%d %%H:%%M:%%S', created_at, '%d seconds') || '+00:00'", secs)
				if dialectName == dialect.Postgres {
					later = fmt.Sprintf("created_at + interval '%d seconds'", secs)
				}
				set := fmt.Sprintf("UPDATE applications SET status = 'HIRED', status_changed_at = %s WHERE id IN (SELECT id FROM applications ORDER BY id LIMIT 30 OFFSET %d)", later, 30*i)
				if _, err := db.ExecContext(ctx, set); err != nil {
					t.Fatal(err)
				}
			}
			engine := consent.NewEngine(consent.DefaultPolicy())
			nows := []time.Time{
				time.Now(),
				time.Date(2026, 6, 15, 12, 0, 0, 0, time.UTC),
				time.Date(2028, 2, 29, 23, 59, 0, 0, time.UTC),
				time.Date(2027, 2, 28, 0, 0, 0, 0, time.UTC),
				time.Date(2027, 3, 1, 0, 0, 0, 0, time.UTC),
				time.Date(2026, 12, 31, 0, 0, 0, 0, time.UTC),
			}
			groupings := [][]consent.Dimension{{consent.BySex, consent.ByAgeBand}, {consent.ByPrefecture, consent.ByApplicationStatus, consent.ByMonth}, consent.Dimensions}
			for _, d := range consent.Dimensions {
				groupings = append(groupings, []consent.Dimension{d})
			}
			for _, v := range []consent.Viewer{
				{Account: "analyst-1", Role: consent.Analyst, Purpose: consent.Analytics},
				{Account: "ads-1", Role: consent.Marketing, Purpose: consent.Advertising},
			} {
				actx := rule.ForAggregate(consent.NewContext(consent.WithEngine(ctx, engine), v))
				for _, now := range nows {
					rows, err := aggregateRowsForTest(actx, client, now)
					if err != nil {
						t.Fatal(err)
					}
					hired := 0
					for _, r := range rows {
						if r.Hired {
							hired++
						}
					}
					if len(rows) < 300 || hired < 20 {
						t.Fatalf("%s: %d rows, %d hired: the world tests too little", v.Purpose, len(rows), hired)
					}
					for _, dims := range groupings {
						for _, without := range []bool{false, true} {
							q := consent.AggregateQuery{GroupBy: dims[:min(len(dims), consent.MaxGroupBy)], MaxDaysToHire: maxDaysToHire, WithoutAverages: without}
							for _, d := range dims[len(q.GroupBy):] {
								if q.Filters == nil {
									q.Filters = map[consent.Dimension][]string{}
								}
								q.Filters[d] = []string{"any"} // only keys the cells
							}
							cells, err := aggregateCells(actx, client, q, now)
							if err != nil {
								t.Fatalf("%s %v: %v", v.Purpose, dims, err)
							}
							wantCells := rowsToCells(rows, q.MaxDaysToHire)
							if without && !slices.Contains(dims, consent.ByApplicationStatus) {
								for i := range wantCells { // no hires read: none counted
									wantCells[i].Hired, wantCells[i].Days = 0, 0
								}
							}
							if got, want := tally(cells, dims), tally(wantCells, dims); !maps.Equal(got, want) {
								t.Fatalf("%s %v (without averages: %v) at %s: the database's tallies\n%v\ndiffer from Go's\n%v", v.Purpose, dims, without, now, got, want)
							}
						}
					}
				}
			}
		})
	}
}

// tally merges cells by their keys of dims, as "count/hired/days".
func tally(cells []consent.AggregateCell, dims []consent.Dimension) map[string]string {
	type sums struct {
		n, hired int
		days     int64
	}
	by := map[string]*sums{}
	for _, c := range cells {
		var k string
		for _, d := range dims {
			k += c.Keys[d.Index()] + "|"
		}
		if by[k] == nil {
			by[k] = &sums{}
		}
		by[k].n += c.Count
		by[k].hired += c.Hired
		by[k].days += c.Days
	}
	out := make(map[string]string, len(by))
	for _, k := range slices.Sorted(maps.Keys(by)) {
		out[k] = fmt.Sprintf("%d/%d/%d", by[k].n, by[k].hired, by[k].days)
	}
	return out
}

// rowsToCells makes each row a cell of one.
func rowsToCells(rows []consent.AggregateRow, maxDays int) []consent.AggregateCell {
	cells := make([]consent.AggregateCell, len(rows))
	for i, r := range rows {
		cells[i] = consent.AggregateCell{Keys: r.Keys, Count: 1}
		if r.Hired {
			cells[i].Hired, cells[i].Days = 1, consent.WholeDays(r.DaysToHire, maxDays)
		}
	}
	return cells
}

// aggregateRowsForTest loads, for each applicant ctx's row rules reach,
// their value of every dimension, generalised in Go, and whether and how
// fast their latest application led to a hire: what aggregateCells
// computes in the database, one applicant at a time.
func aggregateRowsForTest(ctx context.Context, client *ent.Client, now time.Time) ([]consent.AggregateRow, error) {
	columns := []string{applicant.FieldID, applicant.FieldCreatedAt}
	for _, p := range personalDimensions {
		columns = append(columns, p.column)
	}
	people, err := client.Applicant.Query().Select(columns...).Order(ent.Asc(applicant.FieldID)).All(ctx)
	if err != nil {
		return nil, err
	}
	apps, err := client.Application.Query().
		Select(application.FieldApplicantID, application.FieldCreatedAt, application.FieldStatus, application.FieldStatusChangedAt).
		Order(application.ByApplicantID(), application.ByCreatedAt(sql.OrderDesc()), application.ByID(sql.OrderDesc())).
		All(ctx)
	if err != nil {
		return nil, err
	}
	latest := make(map[int]*ent.Application, len(people))
	for _, a := range apps {
		if _, ok := latest[a.ApplicantID]; !ok {
			latest[a.ApplicantID] = a
		}
	}
	rows := make([]consent.AggregateRow, len(people))
	for i, a := range people {
		row := &rows[i]
		row.Subject = strconv.Itoa(a.ID)
		set := func(d consent.Dimension, v string) { row.Keys[d.Index()] = v }
		set(consent.ByPrefecture, a.Prefecture)
		if band, ok := consent.AgeBand(a.BirthDate.UTC(), now.UTC()); ok && !a.BirthDate.IsZero() {
			set(consent.ByAgeBand, band)
		}
		set(consent.BySex, string(a.Sex))
		set(consent.ByVisaStatus, a.VisaStatus)
		set(consent.ByEducationLevel, string(a.EducationLevel))
		set(consent.ByOccupation, a.Occupation)
		set(consent.ByDesiredField, a.DesiredField)
		set(consent.ByMonth, a.CreatedAt.UTC().Format("2006-01"))
		set(consent.ByApplicationStatus, "NONE")
		if app, ok := latest[a.ID]; ok {
			set(consent.ByApplicationStatus, string(app.Status))
			if app.Status == application.StatusHIRED {
				row.Hired = true
				row.DaysToHire = app.StatusChangedAt.Sub(app.CreatedAt).Hours() / 24
			}
		}
	}
	return rows, nil
}
