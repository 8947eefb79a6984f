//! The day's route: which held leads to visit and in what order, before the deadline.
//!
//! `nearest_neighbour_2opt`: appointments first, then the best-judged leads weighted by
//! closeness to the stops already chosen (chance × exp(−km/scale)); the stops are ordered
//! by nearest neighbour from the office and improved by 2-opt (Croes 1958) on road
//! distance; then, while the expected day (time-dependent travel, lobby, every visit
//! planned as a full effective visit) returns after the deadline, the weakest stop is
//! dropped. `list_order` visits the best-judged leads in list order, trimmed the same way.

use super::Sim;
use super::lead::{ChanceAt, LeadId, RepId};
use crate::scenario::RouteHeuristic;
use crate::time::{Minute, time_of_day};
use crate::world::Place;

/// A candidate stop: lead, ln of its judged chance, place, whether booked.
#[derive(Debug, Clone, Copy)]
struct Stop {
    lead: LeadId,
    log_chance: f64,
    place: Place,
    booked: bool,
}

impl Sim<'_> {
    /// Plans rep `r`'s visits for the day, leaving the office at `depart`.
    pub(super) fn plan_day(&self, r: RepId, depart: Minute) -> Vec<LeadId> {
        let rep = &self.reps[r as usize];
        let home = self.home(r);
        let quota = self.sc.day.visit_quota as usize;
        let mut booked = Vec::new();
        let mut others = Vec::with_capacity(rep.assigned.len() + rep.private.len());
        let clock = ChanceAt::new(&self.sc.funnel, depart);
        for &held in rep.assigned.iter().chain(&rep.private) {
            let lead = &self.leads[held];
            if lead.window_end.get() <= depart {
                continue;
            }
            let stop = Stop {
                lead: held.id,
                log_chance: clock.log_chance(lead),
                place: lead.place,
                booked: lead.appointment_day == self.day,
            };
            if stop.booked {
                booked.push(stop)
            } else {
                others.push(stop)
            }
        }
        let by_chance = |a: &Stop, b: &Stop| {
            b.log_chance
                .total_cmp(&a.log_chance)
                .then(a.lead.cmp(&b.lead))
        };
        booked.sort_by(by_chance);
        booked.truncate(quota);
        let keep = self.sc.behaviour.plan_candidates as usize;
        if others.len() > keep {
            others.select_nth_unstable_by(keep - 1, by_chance);
            others.truncate(keep);
        }
        others.sort_by(by_chance);

        let mut stops = match self.sc.behaviour.route {
            RouteHeuristic::ListOrder => {
                let free = quota - booked.len();
                booked
                    .into_iter()
                    .chain(others.into_iter().take(free))
                    .collect()
            }
            RouteHeuristic::NearestNeighbour2opt => {
                let chosen = self.choose_stops(booked, others, quota);
                order_route(&home, chosen)
            }
        };
        let deadline = self.cal.at(self.day, self.sc.day.return_deadline) as f64;
        while !stops.is_empty() && self.expected_return(&home, &stops, depart as f64) > deadline {
            let drop = match self.sc.behaviour.route {
                RouteHeuristic::ListOrder => stops.len() - 1,
                RouteHeuristic::NearestNeighbour2opt => weakest(&stops),
            };
            stops.remove(drop);
            if self.sc.behaviour.route == RouteHeuristic::NearestNeighbour2opt {
                stops = two_opt(&home, stops);
            }
        }
        stops.iter().map(|s| s.lead).collect()
    }

    /// Greedy selection: appointments, then best chance × closeness to the chosen stops.
    fn choose_stops(&self, booked: Vec<Stop>, mut others: Vec<Stop>, quota: usize) -> Vec<Stop> {
        let scale = self.sc.behaviour.plan_distance_scale_km;
        let mut chosen = booked;
        // Distance from each candidate to its nearest chosen stop, kept up to date.
        let mut near: Vec<f64> = others
            .iter()
            .map(|s| {
                chosen
                    .iter()
                    .map(|c| c.place.km_to(&s.place))
                    .fold(f64::INFINITY, f64::min)
            })
            .collect();
        while chosen.len() < quota && !others.is_empty() {
            let score = |k: usize| {
                if near[k].is_finite() {
                    others[k].log_chance - near[k] / scale
                } else {
                    others[k].log_chance
                }
            };
            let best = (0..others.len())
                .max_by(|&a, &b| score(a).total_cmp(&score(b)).then(b.cmp(&a)))
                .expect("not empty");
            let stop = others.swap_remove(best);
            near.swap_remove(best);
            for (k, s) in others.iter().enumerate() {
                near[k] = near[k].min(s.place.km_to(&stop.place));
            }
            chosen.push(stop);
        }
        chosen
    }

    /// Expected minute of return to the office after visiting `stops` in order from `depart`,
    /// each planned as a full effective visit.
    fn expected_return(&self, home: &Place, stops: &[Stop], depart: f64) -> f64 {
        self.expected_tour(home, home, stops.iter().map(|s| &s.place), depart)
    }

    /// Expected minute of return to `home` from `from` at `t` via `places`, each a full effective visit.
    pub(super) fn expected_tour<'p>(
        &self,
        home: &Place,
        from: &Place,
        places: impl IntoIterator<Item = &'p Place>,
        t: f64,
    ) -> f64 {
        let travel = &self.world.travel;
        let lobby = f64::from(travel.config().lobby_min);
        let visit = self.sc.visits.effective_mean_min;
        let mut t = t;
        let mut at = *from;
        for p in places {
            t += travel.expected_minutes(&at, p, time_of_day(t));
            if p.building != at.building {
                t += lobby;
            }
            t += visit;
            at = *p;
        }
        t + travel.expected_minutes(&at, home, time_of_day(t))
    }
}

/// The stop to drop first: a non-appointment with the lowest chance, else the weakest appointment.
fn weakest(stops: &[Stop]) -> usize {
    (0..stops.len())
        .min_by(|&a, &b| {
            (stops[a].booked, stops[a].log_chance)
                .partial_cmp(&(stops[b].booked, stops[b].log_chance))
                .unwrap_or(std::cmp::Ordering::Equal)
        })
        .expect("not empty")
}

/// Nearest neighbour from the rep's office `home`, then 2-opt.
fn order_route(home: &Place, mut left: Vec<Stop>) -> Vec<Stop> {
    let mut route = Vec::with_capacity(left.len());
    let mut at = *home;
    while !left.is_empty() {
        let next = (0..left.len())
            .min_by(|&a, &b| {
                at.km_to(&left[a].place)
                    .total_cmp(&at.km_to(&left[b].place))
                    .then(a.cmp(&b))
            })
            .expect("not empty");
        let stop = left.remove(next);
        at = stop.place;
        route.push(stop);
    }
    two_opt(home, route)
}

/// Length of home → stops → home, straight-line km.
fn tour_km(home: &Place, stops: &[Stop]) -> f64 {
    let mut at = *home;
    let mut km = 0.0;
    for s in stops {
        km += at.km_to(&s.place);
        at = s.place;
    }
    km + at.km_to(home)
}

/// 2-opt: reverse segments while that shortens the tour (`home` fixed at both ends).
fn two_opt(home: &Place, mut stops: Vec<Stop>) -> Vec<Stop> {
    let n = stops.len();
    if n < 3 {
        return stops;
    }
    let point = |stops: &[Stop], k: isize| {
        if k < 0 || k as usize >= n {
            *home
        } else {
            stops[k as usize].place
        }
    };
    let mut improved = true;
    while improved {
        improved = false;
        for i in 0..n - 1 {
            for j in i + 1..n {
                let (a, b) = (point(&stops, i as isize - 1), point(&stops, i as isize));
                let (c, d) = (point(&stops, j as isize), point(&stops, j as isize + 1));
                let delta = a.km_to(&c) + b.km_to(&d) - a.km_to(&b) - c.km_to(&d);
                if delta < -1e-9 {
                    stops[i..=j].reverse();
                    improved = true;
                }
            }
        }
    }
    debug_assert!(tour_km(home, &stops).is_finite());
    stops
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stop(lead: LeadId, x: f64, y: f64) -> Stop {
        Stop {
            lead,
            log_chance: -2.3,
            place: Place {
                x,
                y,
                building: Some(lead),
            },
            booked: false,
        }
    }

    #[test]
    fn two_opt_untangles_a_crossed_tour() {
        // A square visited crosswise; 2-opt must find the perimeter.
        let crossed = vec![
            stop(0, 1.0, 1.0),
            stop(1, 3.0, 3.0),
            stop(2, 3.0, 1.0),
            stop(3, 1.0, 3.0),
        ];
        let home = Place::OFFICE;
        let before = tour_km(&home, &crossed);
        let after = two_opt(&home, crossed);
        assert!(tour_km(&home, &after) < before - 1.0);
        let ids: Vec<_> = order_route(&home, after.clone())
            .iter()
            .map(|s| s.lead)
            .collect();
        assert_eq!(ids.len(), 4);
    }

    #[test]
    fn nearest_neighbour_starts_near_the_office() {
        let route = order_route(
            &Place::OFFICE,
            vec![stop(0, 9.0, 0.0), stop(1, 1.0, 0.0), stop(2, 5.0, 0.0)],
        );
        let ids: Vec<_> = route.iter().map(|s| s.lead).collect();
        assert_eq!(ids, [1, 2, 0]);
    }
}
