//! The working morning: attrition at month ends, hiring, marketing arrivals, the coaching
//! plan, the push or the claiming, and each rep's plan for the day.

use super::lead::{Origin, RepId};
use super::rep::RepDay;
use super::trace::TraceDay;
use super::{Event, Sim};
use crate::rng::{Source, pair, unit};
use crate::time::{DAY, Minute};

impl Sim<'_> {
    pub(super) fn morning(&mut self, now: Minute) {
        let day = self.day;
        let month_len = self.cal.month_len();
        if day > 0 && day.is_multiple_of(month_len) && self.sc.attrition.enabled {
            self.attrition(now, day / month_len);
        }
        let org = &self.sc.org;
        if org.hire_every_days > 0 && day > 0 && day.is_multiple_of(org.hire_every_days) {
            for _ in 0..org.hires_per_batch {
                self.hire(now);
            }
        }
        self.marketing_arrivals(now);
        self.plan_ride_alongs(day % month_len, month_len);
        self.assign(now);

        let depart = self.cal.at(day, self.sc.day.depart);
        for r in 0..self.reps.len() as u32 {
            let rep = &self.reps[r as usize];
            if !rep.active {
                continue;
            }
            let new_hire = rep.is_new_hire(now, self.sc.org.new_hire_days);
            let ride_along = rep.today.ride_along;
            let home = self.home(r);
            self.tally.rep_days[usize::from(new_hire)] += 1;
            let rep = &mut self.reps[r as usize];
            rep.stats.days += 1;
            let rng = self
                .seeds
                .stream(Source::RepDay, pair(u64::from(r), u64::from(day)));
            rep.today = RepDay {
                at: Some(home),
                ride_along,
                back_at: depart,
                rng: Some(rng),
                day,
                ..RepDay::default()
            };
            let plan = self.plan_day(r, depart);
            if self.options.traces(r) {
                let rep = &self.reps[r as usize];
                let booked = plan
                    .iter()
                    .filter(|&&id| self.leads[id as usize].appointment_day == day)
                    .count();
                self.trace.days.push(TraceDay {
                    rep: r,
                    day,
                    held: rep.held() as u32,
                    planned: plan.len() as u32,
                    booked: booked as u32,
                    ride_along,
                    new_hire,
                    skill: rep.skill,
                });
            }
            self.reps[r as usize].today.plan = plan;
            self.schedule(depart, Event::RepNext(r));
        }
        self.schedule(self.cal.at(day, self.sc.day.meeting_end), Event::Evening);
    }

    fn hire(&mut self, now: Minute) {
        let mut sizes = vec![0u32; self.sc.org.teams as usize];
        for rep in self.reps.iter().filter(|r| r.active) {
            sizes[rep.team as usize] += 1;
        }
        let team = (0..sizes.len()).min_by_key(|&t| (sizes[t], t)).unwrap_or(0) as u32;
        let mut rng = self.seeds.stream(Source::Rep, self.reps.len() as u64);
        self.add_rep(team, now, 0.0, &mut rng);
    }

    /// Marketing leads created since the previous push, each for a company with no open
    /// lead, and newly registered companies (companies that never had a lead). Arrival k of
    /// a day has its own stream (creation time, then candidate companies), so variants share
    /// every arrival whose company is free in both.
    fn marketing_arrivals(&mut self, now: Minute) {
        let since = if self.day == 0 {
            now - DAY
        } else {
            self.cal.at(self.day - 1, self.sc.day.office_open)
        };
        let l = &self.sc.leads;
        let sources = [
            (Source::Marketing, Origin::Marketing, l.marketing_per_day),
            (
                Source::Registration,
                Origin::Registration,
                l.registrations_per_day,
            ),
        ];
        for (source, origin, count) in sources {
            for k in 0..count {
                let mut rng = self
                    .seeds
                    .stream(source, pair(u64::from(self.day), u64::from(k)));
                let created = since + (unit(&mut rng) * (now - since) as f64) as Minute;
                let company = match origin {
                    Origin::Registration => {
                        self.draw_company(&mut rng, |c| self.company_leads[c as usize] == 0)
                    }
                    _ => self.draw_free_company(&mut rng, now),
                };
                match company {
                    Some(company) => {
                        let id = self.create_lead(company, created, origin);
                        self.pool.insert(id, &self.leads[id as usize]);
                    }
                    None => self.tally.inflow_unplaced += 1,
                }
            }
        }
        // A lead created last night may already have lost its window.
        self.close_windows(now);
    }

    /// Each manager rides along on evenly spread days, `ride_alongs_per_month` a month,
    /// with the least-coached new hire of the team, else the least-coached rep.
    fn plan_ride_alongs(&mut self, day_in_month: u32, month_len: u32) {
        let per_month = self.sc.org.ride_alongs_per_month;
        let rides_today =
            (day_in_month + 1) * per_month / month_len > day_in_month * per_month / month_len;
        for rep in &mut self.reps {
            rep.today.ride_along = false;
        }
        if !rides_today {
            return;
        }
        let now = self.now();
        for team in 0..self.sc.org.teams {
            let pick = self
                .reps
                .iter()
                .filter(|r| r.active && r.team == team)
                .min_by_key(|r| {
                    (
                        !r.is_new_hire(now, self.sc.org.new_hire_days),
                        r.ride_alongs,
                        r.id,
                    )
                })
                .map(|r| r.id);
            if let Some(r) = pick {
                let rep = &mut self.reps[r as usize];
                rep.today.ride_along = true;
                rep.ride_alongs += 1;
                self.tally.ride_along_days += 1;
            }
        }
    }

    /// Month-end attrition: reps without a win for `no_win_days` working days may leave;
    /// their leads go back to the pool. A dry spell counts from the last win, the hiring or
    /// the start of the run, whichever is latest: wins before the run are not simulated, so
    /// a rep hired before it is not taken to have won nothing since hiring.
    fn attrition(&mut self, now: Minute, month: u32) {
        let start = self.cal.at(0, self.sc.day.office_open);
        let a = &self.sc.attrition;
        let calendar_days =
            f64::from(a.no_win_days) * 7.0 / f64::from(self.sc.calendar.working_days_per_week);
        let dry_spell = (calendar_days * DAY as f64) as Minute;
        for r in 0..self.reps.len() {
            let rep = &self.reps[r];
            if !rep.active {
                continue;
            }
            let last = rep
                .win_times
                .last()
                .copied()
                .unwrap_or(rep.hired_at)
                .max(rep.hired_at)
                .max(start);
            if now - last < dry_spell {
                continue;
            }
            let new_hire = rep.is_new_hire(now, self.sc.org.new_hire_days);
            let p = if new_hire {
                a.new_hire_monthly_prob
            } else {
                a.veteran_monthly_prob
            };
            let mut rng = self
                .seeds
                .stream(Source::Attrition, pair(r as u64, u64::from(month)));
            if unit(&mut rng) < p {
                self.leave(r as RepId, now);
                self.tally.leavers[usize::from(new_hire)] += 1;
            }
        }
    }
}
