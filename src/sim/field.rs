//! A rep's field day: travel, visits, cold visits in the same building, and the way back.
//!
//! The hard deadline: a visit starts only if its expected end (as a full effective visit)
//! plus the expected trip back is before the deadline; a cold visit only if its end plus
//! the trip back is, and (with `cold_visits_need_slack`) only if it costs no planned visit.

use super::lead::{
    ChanceAt, Draw, Holder, LeadId, Origin, RepId, draw_entity, freshness, interest,
};
use super::stamp::Stamp;
use super::trace::{Activity, Detail, TraceRecord, VisitDetail, VisitOutcome};
use super::{Event, Sim};
use crate::rng::{Source, unit};
use crate::time::{DAY, Minute, time_of_day};
use crate::world::Place;
use rand_distr::{Distribution, LogNormal};

impl Sim<'_> {
    fn record(&mut self, record: TraceRecord) {
        if self.options.traces(record.rep) {
            self.trace.records.push(record);
        }
    }

    /// Traces a lead visit that ended at `end` and left the lead at `outcome`.
    fn record_visit(
        &mut self,
        r: RepId,
        id: LeadId,
        (start, end): (Minute, Minute),
        effective: bool,
        (first_contact, booked): (bool, bool),
        outcome: VisitOutcome,
    ) {
        if !self.options.traces(r) {
            return;
        }
        let lead = &self.leads[id as usize];
        let detail = VisitDetail {
            first_contact,
            booked,
            ride_along: self.reps[r as usize].today.ride_along,
            outcome,
            steps_done: lead.steps_done,
            steps_needed: lead.steps_needed,
            deal_value: lead.deal_value,
        };
        let at = (start, end);
        self.record(
            TraceRecord::at(r, self.day, at, Activity::Visit(effective), lead.place)
                .with_lead(Some(id))
                .with_detail(Detail::Visit(detail)),
        );
    }

    fn deadline(&self) -> Minute {
        self.cal.at(self.day, self.sc.day.return_deadline)
    }

    fn here(&self, r: RepId) -> Place {
        self.reps[r as usize]
            .today
            .at
            .unwrap_or_else(|| self.home(r))
    }

    /// The expected end of a full effective visit to `place` leaving `from` at `t`, if the
    /// rep is then expected back before the deadline.
    fn visit_fits(&self, r: RepId, from: &Place, place: &Place, t: f64) -> Option<f64> {
        let travel = &self.world.travel;
        let mut end = t
            + travel.expected_minutes(from, place, time_of_day(t))
            + self.sc.visits.effective_mean_min;
        if place.building != from.building {
            end += f64::from(travel.config().lobby_min);
        }
        let back = travel.expected_minutes(place, &self.home(r), time_of_day(end));
        (end + back <= self.deadline() as f64).then_some(end)
    }

    /// The rep picks the next planned stop that still fits and goes there; when the plan is
    /// used up with visits short of the quota, the best extra stop that fits; else heads back.
    pub(super) fn rep_next(&mut self, r: RepId, now: Minute) {
        let at = self.here(r);
        loop {
            let today = &self.reps[r as usize].today;
            let Some(&id) = today.plan.get(today.next) else {
                break;
            };
            self.reps[r as usize].today.next += 1;
            let lead = &self.leads[id as usize];
            if lead.holder.rep() != Some(r) {
                continue;
            }
            if self.visit_fits(r, &at, &lead.place, now as f64).is_none() {
                self.tally.stops_skipped += 1;
                continue;
            }
            self.start_visit(r, id, at, now);
            return;
        }
        if self.reps[r as usize].today.visits < self.sc.day.visit_quota
            && let Some(id) = self.extra_stop(r, at, now)
        {
            self.tally.extra_stops += 1;
            self.start_visit(r, id, at, now);
            return;
        }
        self.head_back(r, now);
    }

    /// The best held lead not yet visited today (judged chance weighed by closeness, as in
    /// planning) whose visit still fits before the deadline.
    fn extra_stop(&self, r: RepId, at: Place, now: Minute) -> Option<LeadId> {
        let rep = &self.reps[r as usize];
        let clock = ChanceAt::new(&self.sc.funnel, now);
        let scale = self.sc.behaviour.plan_distance_scale_km;
        let mut scored: Vec<(f64, LeadId)> =
            Vec::with_capacity(rep.assigned.len() + rep.private.len());
        scored.extend(
            rep.assigned
                .iter()
                .chain(&rep.private)
                .map(|&held| (held.id, &self.leads[held]))
                .filter(|(_, l)| l.last_visit_day != self.day && l.window_end.get() > now)
                .map(|(id, l)| (clock.log_chance(l) - at.km_to(&l.place) / scale, id)),
        );
        let best_first =
            |a: &(f64, LeadId), b: &(f64, LeadId)| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1));
        let keep = self.sc.behaviour.plan_candidates as usize;
        if scored.len() > keep {
            scored.select_nth_unstable_by(keep - 1, best_first);
            scored.truncate(keep);
        }
        scored.sort_by(best_first);
        scored.into_iter().map(|(_, id)| id).find(|&id| {
            self.visit_fits(r, &at, &self.leads[id as usize].place, now as f64)
                .is_some()
        })
    }

    /// Rep `r` travels from `from` to `to` leaving at `now`: the mode it chooses, a realised
    /// length in minutes (counted as travel and traced).
    fn travel(&mut self, r: RepId, from: &Place, to: &Place, now: Minute) -> Minute {
        let travel = &self.world.travel;
        let trip = travel.plan(from, to, (now % DAY) as f64);
        let today = &mut self.reps[r as usize].today;
        let rng = today.rng.as_mut().expect("set in the morning");
        let moving = Minute::from(travel.sample_minutes(&trip, rng));
        today.travel_min += moving as u32;
        let activity = Activity::Travel(trip.mode);
        self.record(TraceRecord {
            to: *to,
            km: trip.road_km,
            ..TraceRecord::at(r, self.day, (now, now + moving), activity, *from)
        });
        moving
    }

    /// Travels from `at` to lead `id` and starts the visit.
    fn start_visit(&mut self, r: RepId, id: LeadId, at: Place, now: Minute) {
        let place = self.leads[id as usize].place;
        let moving = self.travel(r, &at, &place, now);
        let lobby = if place.building != at.building {
            Minute::from(self.world.travel.config().lobby_min)
        } else {
            0
        };
        let arrival = now + moving + lobby;
        if lobby > 0 {
            let at = (now + moving, arrival);
            self.record(TraceRecord::at(r, self.day, at, Activity::Lobby, place));
        }
        let lead = &mut self.leads[id as usize];
        let factor = if lead.appointment_day == self.day {
            self.sc.companies.appointment_factor
        } else {
            1.0
        };
        let dm_in = (lead.dm_in * factor).min(self.sc.companies.dm_in_max);
        let draw = draw_entity(lead.key, Draw::DecisionMakerIn, lead.visits);
        lead.visits += 1;
        let effective =
            lead.window_end.get() > arrival && self.seeds.unit(Source::Lead, draw) < dm_in;
        let v = &self.sc.visits;
        let length = if effective {
            let sigma2 = (1.0 + v.effective_cv * v.effective_cv).ln();
            let dist = LogNormal::new(v.effective_mean_min.ln() - sigma2 / 2.0, sigma2.sqrt())
                .expect("validated");
            let rng = self.reps[r as usize]
                .today
                .rng
                .as_mut()
                .expect("set in the morning");
            (dist.sample(rng).round() as Minute).max(1)
        } else {
            Minute::from(v.gatekeeper_min)
        };
        let rep = &mut self.reps[r as usize];
        rep.today.at = Some(place);
        rep.today.current = Some((id, arrival, effective));
        self.schedule(arrival + length, Event::VisitEnd(r));
    }

    fn head_back(&mut self, r: RepId, now: Minute) {
        let at = self.here(r);
        let moving = self.travel(r, &at, &self.home(r), now);
        self.schedule(now + moving, Event::Back(r));
    }

    /// A visit ends: first contact, progress, loss or win; then cold visits or the next stop.
    pub(super) fn visit_end(&mut self, r: RepId, now: Minute) {
        let (id, start, effective) = self.reps[r as usize]
            .today
            .current
            .take()
            .expect("a visit is in progress");
        let f = &self.sc.funnel;
        let rep = &mut self.reps[r as usize];
        rep.today.visits += 1;
        rep.stats.visits += 1;
        self.tally.visits += 1;
        let lead = &mut self.leads[id as usize];
        let booked = lead.appointment_day == self.day;
        let never_contacted = !lead.contacted();
        lead.followed_up_at = Stamp::at(start);
        lead.last_visit_day = self.day;
        if lead.appointment_day == self.day {
            lead.appointment_day = u32::MAX;
        }
        let span = (start, now);
        if lead.window_end.get() <= start {
            self.lose(id, now, true);
            let outcome = VisitOutcome::WindowClosed;
            self.record_visit(r, id, span, effective, (false, booked), outcome);
            self.after_visit(r, now);
            return;
        }
        let first = !lead.contacted();
        let (fresh, int) = if first {
            (freshness(f, start - lead.created.get()), 1.0)
        } else {
            (lead.freshness, interest(f, start - lead.last_contact.get()))
        };
        if first {
            lead.record_contact(f, start);
            if matches!(lead.origin, Origin::Marketing) {
                self.tally
                    .first_contact_minutes
                    .push(start - lead.created.get());
            }
        }
        if !effective {
            let outcome = VisitOutcome::NotMet;
            self.record_visit(r, id, span, effective, (never_contacted, booked), outcome);
            self.after_visit(r, now);
            return;
        }
        lead.record_contact(f, start);
        lead.effective_visits += 1;
        let ride = rep.today.ride_along;
        let skill = if ride {
            rep.skill.max(self.sc.org.manager_skill)
        } else {
            rep.skill
        };
        let p = (lead.propensity * (f.skill_offset + skill) * fresh * int).min(1.0);
        rep.today.effective += 1;
        rep.stats.effective += 1;
        self.tally.effective_visits += 1;
        let k = &self.sc.skill;
        rep.learn(if ride { k.ride_along_weight } else { 1.0 }, k);
        // One uniform decides both: progress below p, loss in the next (1 − p)·lost_prob.
        let u = self.seeds.unit(
            Source::Lead,
            draw_entity(lead.key, Draw::Progress, lead.effective_visits),
        );
        let outcome = if u < p {
            lead.steps_done += 1;
            lead.last_progress = Stamp::at(now);
            if lead.steps_done >= lead.steps_needed {
                self.win(r, id, now);
                VisitOutcome::Won
            } else {
                VisitOutcome::Progressed
            }
        } else if u < p + (1.0 - p) * f.lost_prob {
            self.lose(id, now, false);
            VisitOutcome::Lost
        } else {
            VisitOutcome::NoProgress
        };
        self.record_visit(r, id, span, effective, (never_contacted, booked), outcome);
        self.reps[r as usize].today.cold_left = self.sc.visits.cold_per_effective;
        if self.sc.visits.cold_per_effective > 0 && self.sc.behaviour.cold_visits_need_slack {
            self.reps[r as usize].today.cold_slack = self.plan_slack(r, now as f64);
        }
        self.after_visit(r, now);
    }

    /// After a visit: a cold visit in the same building if it fits, else the next stop.
    fn after_visit(&mut self, r: RepId, now: Minute) {
        let today = &self.reps[r as usize].today;
        if today.cold_left > 0 && self.cold_fits(r, now) {
            let today = &mut self.reps[r as usize].today;
            today.cold_left -= 1;
            let moving = Minute::from(self.world.travel.config().inside_move_min);
            today.cold_slack -= (moving + Minute::from(self.sc.visits.cold_min)) as f64;
            today.travel_min += moving as u32;
            let place = self.here(r);
            let at = (now, now + moving);
            self.record(TraceRecord::at(
                r,
                self.day,
                at,
                Activity::Travel(None),
                place,
            ));
            let end = now + moving + Minute::from(self.sc.visits.cold_min);
            self.schedule(end, Event::ColdEnd(r));
        } else {
            self.reps[r as usize].today.cold_left = 0;
            self.schedule(now, Event::RepNext(r));
        }
    }

    /// Minutes to spare at `t`: the deadline minus the expected return after the planned
    /// stops still ahead that fit (each a full effective visit).
    fn plan_slack(&self, r: RepId, t: f64) -> f64 {
        let rep = &self.reps[r as usize];
        let mut at = self.here(r);
        let mut t = t;
        for &id in &rep.today.plan[rep.today.next..] {
            let lead = &self.leads[id as usize];
            if lead.holder.rep() != Some(r) {
                continue;
            }
            if let Some(end) = self.visit_fits(r, &at, &lead.place, t) {
                t = end;
                at = lead.place;
            }
        }
        let back = self
            .world
            .travel
            .expected_minutes(&at, &self.home(r), time_of_day(t));
        self.deadline() as f64 - (t + back)
    }

    /// Whether a cold visit fits now: its end plus the trip back is before the deadline, and
    /// (with `cold_visits_need_slack`) the slack left for the rest of the plan, measured once
    /// after the effective visit, still covers it.
    fn cold_fits(&self, r: RepId, now: Minute) -> bool {
        let at = self.here(r);
        if at.building.is_none() {
            return false;
        }
        let cost =
            Minute::from(self.world.travel.config().inside_move_min + self.sc.visits.cold_min);
        let end = (now + cost) as f64;
        let back = self
            .world
            .travel
            .expected_minutes(&at, &self.home(r), time_of_day(end));
        if end + back > self.deadline() as f64 {
            return false;
        }
        !self.sc.behaviour.cold_visits_need_slack
            || self.reps[r as usize].today.cold_slack >= cost as f64
    }

    /// A cold visit ends: with luck, a contact and a new lead from a company in the building.
    pub(super) fn cold_end(&mut self, r: RepId, now: Minute) {
        let start = now - Minute::from(self.sc.visits.cold_min);
        let building = self
            .here(r)
            .building
            .expect("cold visits happen in buildings");
        let rng = self.reps[r as usize]
            .today
            .rng
            .as_mut()
            .expect("set in the morning");
        let contact = unit(rng) < self.sc.visits.cold_contact_prob;
        let pick = unit(rng);
        self.reps[r as usize].today.cold += 1;
        self.tally.cold_visits += 1;
        let mut found = None;
        if contact {
            let free: Vec<u32> = self
                .world
                .city
                .companies_in(building)
                .filter(|&c| self.company_free(c, now))
                .collect();
            if !free.is_empty() {
                let company = free[((pick * free.len() as f64) as usize).min(free.len() - 1)];
                let id = self.create_lead(company, now, Origin::Cold);
                let lead = &mut self.leads[id as usize];
                lead.record_contact(&self.sc.funnel, now);
                lead.followed_up_at = Stamp::at(now);
                lead.holder = Holder::Pool;
                self.file_found_lead(r, id, now);
                self.tally.cold_leads += 1;
                found = Some(id);
            }
        }
        let (at, place) = ((start, now), self.here(r));
        self.record(
            TraceRecord::at(r, self.day, at, Activity::Cold(found.is_some()), place)
                .with_lead(found)
                .with_detail(Detail::Cold { contact }),
        );
        self.after_visit(r, now);
    }

    /// The rep is back at the office.
    pub(super) fn back(&mut self, r: RepId, now: Minute) {
        let deadline = self.deadline();
        let depart = self.cal.at(self.day, self.sc.day.depart);
        let home = self.home(r);
        let rep = &mut self.reps[r as usize];
        rep.today.at = Some(home);
        rep.today.back_at = now;
        rep.today.returned = true;
        self.tally.field_minutes += (now - depart) as f64;
        self.tally.travel_minutes += f64::from(rep.today.travel_min);
        if now > deadline {
            self.tally.late_returns += 1;
        }
        let meeting_end = self.cal.at(self.day, self.sc.day.meeting_end);
        // At 19:00 or earlier the evening event starts the desk work (it runs after field events).
        if now > meeting_end {
            self.schedule(now, Event::RepDesk(r));
        }
    }
}
