//! Leads: a company at a point in time, with hidden attributes, freshness, interest and a stage.

use super::stamp::Stamp;
use crate::scenario::Funnel;
use crate::time::{DAY, HOUR, Minute};

/// Index of a lead in the replication's lead table.
pub type LeadId = u32;
/// Index of a rep.
pub type RepId = u32;

/// Where a lead is. Every lead is in exactly one place.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Holder {
    /// In the public pool.
    Pool,
    /// On a rep's assigned list (under the reclaim timeout until first contact).
    Assigned(RepId),
    /// In a rep's private pool.
    Private(RepId),
    /// Won: a contract.
    Won,
    /// Lost: outright at a visit, or its buying window closed.
    Lost,
    /// Closed by its rep as dead.
    Closed,
}

impl Holder {
    /// The rep holding the lead, if any.
    pub fn rep(self) -> Option<RepId> {
        match self {
            Holder::Assigned(r) | Holder::Private(r) => Some(r),
            _ => None,
        }
    }

    /// Whether the lead is still open (not won, lost or closed).
    pub fn is_open(self) -> bool {
        matches!(
            self,
            Holder::Pool | Holder::Assigned(_) | Holder::Private(_)
        )
    }
}

/// How a lead came to be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// Part of the stock at the start.
    Initial,
    /// A marketing arrival into the public pool.
    Marketing,
    /// A newly registered company, imported into the public pool.
    Registration,
    /// Found on a cold visit.
    Cold,
    /// Found by desk research.
    Desk,
}

/// What a lead's hashed draw is for; each purpose is numbered by its own counter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u64)]
pub enum Draw {
    /// The buying window's length.
    Window = 1,
    /// Whether the decision-maker is in at visit n.
    DecisionMakerIn = 2,
    /// Progress or loss at effective visit n (one uniform for both).
    Progress = 3,
    /// Whether call n reaches the decision-maker.
    CallReach = 4,
    /// Whether the cash is collected.
    Payment = 5,
    /// When the cash is collected.
    PaymentDay = 6,
}

/// The entity number of draw `n` of `purpose` for the lead with key `key`.
pub fn draw_entity(key: u64, purpose: Draw, n: u32) -> u64 {
    crate::rng::mix64(key ^ ((purpose as u64) << 56)) ^ u64::from(n)
}

/// The identity of a lead: its company and creation time.
pub fn lead_key(company: u32, created: Minute) -> u64 {
    crate::rng::mix64(u64::from(company) ^ (created as u64).rotate_left(32))
}

/// Sentinel for "never" in minute fields.
pub const NEVER: Minute = Minute::MIN;

/// A lead and its funnel state.
///
/// `repr(C)` keeps the fields in this order: the ones the daily scans of a rep's leads read
/// (window, visit day, ranking keys, creation and first contact, place, appointment day,
/// assignment time) are its first 64 bytes, and the moments are [`Stamp`]s (32 bits), so
/// the whole lead takes 184 bytes instead of 232.
#[derive(Debug, Clone)]
#[repr(C)]
pub struct Lead {
    /// When the buying window closes (a competitor wins it).
    pub window_end: Stamp,
    /// Working day of the last visit (`u32::MAX` if none).
    pub last_visit_day: u32,
    /// ln(judged · freshness) + λ·last contact (λ: interest decay per minute), once contacted:
    /// the judged chance at `t` is exp(log_key − λt), so contacted leads rank by it at any time.
    pub log_key: f64,
    /// ln of `judged`, kept by [`Lead::set_judged`] so the daily rankings need not take it.
    log_judged: f64,
    /// Creation time.
    pub created: Stamp,
    /// First contact, or never.
    pub first_contact: Stamp,
    /// Where the company is (copied here so hot loops need not look it up).
    pub place: crate::world::Place,
    /// Working day of a booked visit, or `u32::MAX`.
    pub appointment_day: u32,
    /// When it was put on its current assigned list.
    pub assigned_at: Stamp,
    /// The last time its current holder contacted it (any visit or a call that reached the
    /// decision-maker), or never: "followed up" for the reclaim timeout.
    pub followed_up_at: Stamp,
    /// Where the lead is now.
    pub holder: Holder,
    /// The company.
    pub company: u32,
    /// The current holder's judged propensity.
    pub judged: f64,
    /// Hidden propensity to buy.
    pub propensity: f64,
    /// Deal value, CNY.
    pub deal_value: f64,
    /// Chance the decision-maker is in without appointment.
    pub dm_in: f64,
    /// The CRM's noisy score of propensity.
    pub crm_score: f64,
    /// Freshness fixed at first contact (1 before).
    pub freshness: f64,
    /// The lead's identity for its own luck: a hash of company and creation time, so the
    /// same lead gets the same draws in every variant (common random numbers).
    pub key: u64,
    /// Last contact (visit or call that reached the decision-maker), or never.
    pub last_contact: Stamp,
    /// Last progress, or the time its holder kept it privately.
    pub last_progress: Stamp,
    /// When its current holder put it in its private pool, or never.
    pub kept_at: Stamp,
    /// The last rep that returned it to the pool (`u32::MAX` if none).
    pub returned_by: RepId,
    /// When that happened, or never.
    pub returned_at: Stamp,
    /// When it was won, or never.
    pub won_at: Stamp,
    /// Steps the deal needs.
    pub steps_needed: u32,
    /// Steps made.
    pub steps_done: u32,
    /// Effective visits received.
    pub effective_visits: u32,
    /// Visits received (numbers the decision-maker-in draws).
    pub visits: u32,
    /// Calls received (numbers the call-reach draws).
    pub calls: u32,
    /// How it arose.
    pub origin: Origin,
    /// Whether its current assigned list got it from the pool (a push or a claim); false
    /// when its holder found it and filed it there (a full private pool). Only the first
    /// kind counts in `reclaimed_share` (timeout reclaims of pushed leads over pushes).
    pub pushed: bool,
}

/// Interest decay rate per minute: ln 2 / half-life.
fn decay_per_minute(f: &Funnel) -> f64 {
    std::f64::consts::LN_2 / (f.cooling_half_life_days * DAY as f64)
}

impl Lead {
    /// A new, unheld lead for `company` (at `place`) created at `created`, with the company's
    /// hidden traits. Its buying window and CRM score are the caller's to set.
    pub fn new(
        company: u32,
        place: crate::world::Place,
        origin: Origin,
        created: Minute,
        traits: &crate::world::CompanyTraits,
    ) -> Lead {
        Lead {
            company,
            place,
            holder: Holder::Pool,
            origin,
            created: Stamp::at(created),
            window_end: Stamp::at(Minute::MAX),
            propensity: traits.propensity,
            deal_value: traits.deal_value,
            dm_in: traits.dm_in,
            steps_needed: traits.steps,
            steps_done: 0,
            crm_score: traits.propensity,
            judged: 0.0,
            log_judged: f64::NEG_INFINITY,
            first_contact: Stamp::NEVER,
            freshness: 1.0,
            last_contact: Stamp::NEVER,
            last_progress: Stamp::at(created),
            assigned_at: Stamp::NEVER,
            kept_at: Stamp::NEVER,
            appointment_day: u32::MAX,
            returned_by: u32::MAX,
            returned_at: Stamp::NEVER,
            last_visit_day: u32::MAX,
            effective_visits: 0,
            won_at: Stamp::NEVER,
            key: lead_key(company, created),
            visits: 0,
            calls: 0,
            followed_up_at: Stamp::NEVER,
            log_key: f64::NEG_INFINITY,
            pushed: false,
        }
    }

    /// Whether the lead has had its first contact.
    pub fn contacted(&self) -> bool {
        !self.first_contact.is_never()
    }

    /// Whether its current holder has followed it up since receiving it.
    pub fn followed_up(&self) -> bool {
        !self.followed_up_at.is_never() && self.followed_up_at.get() >= self.assigned_at.get()
    }

    fn rekey(&mut self, f: &Funnel) {
        if self.contacted() {
            self.log_key = (self.judged * self.freshness).ln()
                + decay_per_minute(f) * self.last_contact.get() as f64;
        }
    }

    /// Sets the holder's judged propensity.
    pub fn set_judged(&mut self, f: &Funnel, judged: f64) {
        self.judged = judged;
        self.log_judged = judged.ln();
        self.rekey(f);
    }

    /// Records a contact at `at`: the first fixes freshness; every one resets interest.
    /// Returns whether it was the first contact.
    pub fn record_contact(&mut self, f: &Funnel, at: Minute) -> bool {
        let first = !self.contacted();
        if first {
            self.first_contact = Stamp::at(at);
            self.freshness = freshness(f, at - self.created.get());
        }
        self.last_contact = Stamp::at(at);
        self.rekey(f);
        first
    }

    /// ln of the holder's judged chance at `now` (cheap for contacted leads; ranks like the chance).
    pub fn log_chance(&self, f: &Funnel, now: Minute) -> f64 {
        ChanceAt::new(f, now).log_chance(self)
    }
}

/// [`Lead::log_chance`] at one moment for many leads: the decay term, the same for every
/// contacted lead, is worked out once per scan instead of once per lead (same bits).
pub struct ChanceAt<'a> {
    funnel: &'a Funnel,
    now: Minute,
    /// λ·now, λ the interest decay per minute.
    decay_now: f64,
}

impl<'a> ChanceAt<'a> {
    /// The clock for judged chances at `now`, minutes.
    pub fn new(funnel: &'a Funnel, now: Minute) -> ChanceAt<'a> {
        ChanceAt {
            funnel,
            now,
            decay_now: decay_per_minute(funnel) * now as f64,
        }
    }

    /// ln of the holder's judged chance of `lead` at this moment.
    pub fn log_chance(&self, lead: &Lead) -> f64 {
        if lead.contacted() {
            lead.log_key - self.decay_now
        } else {
            lead.log_judged + log_freshness(self.funnel, self.now - lead.created.get())
        }
    }
}

/// `x` as an integer that orders like [`f64::total_cmp`], so a scan can compare (value, id)
/// pairs as plain integers.
pub fn total_order_key(x: f64) -> i64 {
    let bits = x.to_bits() as i64;
    bits ^ (((bits >> 63) as u64) >> 1) as i64
}

/// ln of freshness after `age` minutes.
pub fn log_freshness(f: &Funnel, age: Minute) -> f64 {
    let hours = age.max(0) as f64 / HOUR as f64;
    -f.freshness_exponent * (hours / f.freshness_scale_hours).ln_1p()
}

/// Freshness if first contact happens after `age` minutes: (1 + hours/scale)^−exponent.
pub fn freshness(f: &Funnel, age: Minute) -> f64 {
    let hours = age.max(0) as f64 / HOUR as f64;
    (1.0 + hours / f.freshness_scale_hours).powf(-f.freshness_exponent)
}

/// Interest after `since` minutes without contact: 0.5^(days / half-life).
pub fn interest(f: &Funnel, since: Minute) -> f64 {
    let days = since.max(0) as f64 / DAY as f64;
    (-std::f64::consts::LN_2 * days / f.cooling_half_life_days).exp()
}

/// The lead's current freshness and interest factors at `now`.
pub fn timing_factors(f: &Funnel, lead: &Lead, now: Minute) -> (f64, f64) {
    if lead.contacted() {
        (lead.freshness, interest(f, now - lead.last_contact.get()))
    } else {
        (freshness(f, now - lead.created.get()), 1.0)
    }
}

/// The holder's judged chance of moving the deal now: judged propensity × freshness × interest.
pub fn judged_chance(f: &Funnel, lead: &Lead, now: Minute) -> f64 {
    lead.log_chance(f, now).exp()
}

/// ln of the lead's timing factor at `now`: freshness × interest once contacted, else the
/// freshness it would have if contacted now.
pub fn log_timing(f: &Funnel, lead: &Lead, now: Minute) -> f64 {
    if lead.contacted() {
        lead.freshness.ln() - decay_per_minute(f) * (now - lead.last_contact.get()) as f64
    } else {
        log_freshness(f, now - lead.created.get())
    }
}

/// Whether `ln(propensity · exp(sigma_z)) + log_timing >= threshold`, the test a rep's
/// judgment `propensity · exp(σ·z)` (see `Sim::judge`) must pass to be claimed, with the
/// answer of that very expression but mostly without its `exp` and `ln`.
///
/// `ln_propensity` is `propensity.ln()`. The sum `ln_propensity + sigma_z + log_timing`
/// differs from the exact expression by rounding alone, a few units in the last place of
/// the terms' magnitude (each of `exp`, `ln` and the products errs by at most one ulp);
/// only when it falls within a margin a million times wider is the exact expression
/// evaluated, so the answer is always the exact one.
pub fn judged_clears(
    propensity: f64,
    ln_propensity: f64,
    sigma_z: f64,
    log_timing: f64,
    threshold: f64,
) -> bool {
    let sum = ln_propensity + sigma_z + log_timing;
    let scale = 1.0 + ln_propensity.abs() + sigma_z.abs() + log_timing.abs() + threshold.abs();
    // Far from under- and overflow of propensity · exp(σ·z), and from non-finite values.
    let representable = sigma_z.abs() < 700.0 && ln_propensity + sigma_z > -700.0;
    if representable && scale.is_finite() && (sum - threshold).abs() > 1e-9 * scale {
        return sum >= threshold;
    }
    (propensity * sigma_z.exp()).ln() + log_timing >= threshold
}

/// The true chance an effective visit moves the deal: propensity × (offset + skill) × freshness × interest.
pub fn progress_chance(f: &Funnel, lead: &Lead, skill: f64, now: Minute) -> f64 {
    let (fresh, int) = timing_factors(f, lead, now);
    (lead.propensity * (f.skill_offset + skill) * fresh * int).min(1.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_lead_stays_small() {
        // National keeps about 4 million leads alive; each byte here is 4 MB of its 2 GB budget.
        assert_eq!(std::mem::size_of::<Lead>(), 184);
        // What the daily scans read sits in the first 64 bytes.
        for end in [
            std::mem::offset_of!(Lead, place) + std::mem::size_of::<crate::world::Place>(),
            std::mem::offset_of!(Lead, appointment_day) + 4,
            std::mem::offset_of!(Lead, assigned_at) + 4,
        ] {
            assert!(end <= 64, "{end}");
        }
    }

    #[test]
    fn total_order_key_orders_like_total_cmp() {
        use rand::{Rng, SeedableRng};
        let mut rng = rand_pcg::Pcg64Mcg::seed_from_u64(11);
        let special = [
            0.0,
            -0.0,
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::NAN,
            -f64::NAN,
            f64::MIN_POSITIVE,
            -f64::MIN_POSITIVE,
            f64::MAX,
            f64::MIN,
            1e-310,
            -1e-310,
        ];
        let mut values: Vec<f64> = special.to_vec();
        values.extend((0..2_000).map(|_| f64::from_bits(rng.random())));
        values.extend((0..2_000).map(|_| rng.random_range(-50.0..5.0)));
        for &a in &values {
            for &b in values.iter().step_by(7) {
                assert_eq!(
                    total_order_key(a).cmp(&total_order_key(b)),
                    a.total_cmp(&b),
                    "{a:e} vs {b:e}"
                );
            }
        }
    }

    #[test]
    fn judged_clears_decides_as_the_exact_expression() {
        use rand::{Rng, SeedableRng};
        let mut rng = rand_pcg::Pcg64Mcg::seed_from_u64(7);
        let exact = |p: f64, sz: f64, t: f64, th: f64| (p * sz.exp()).ln() + t >= th;
        for i in 0..200_000 {
            let p: f64 = match i % 4 {
                0 => rng.random_range(1e-6..1.0),
                1 => 10f64.powf(rng.random_range(-320.0..0.0)),
                2 => rng.random_range(0.0..1e-300),
                _ => [0.0, 1.0, f64::MIN_POSITIVE, 0.5][i % 7 % 4],
            };
            let sz: f64 = match i % 5 {
                0 => rng.random_range(-800.0..800.0),
                _ => rng.random_range(-3.0..3.0),
            };
            let t: f64 = rng.random_range(-30.0..0.0);
            let exact_sum = (p * sz.exp()).ln() + t;
            // Thresholds at, and a few ulps either side of, the exact value, and further off.
            let near = if exact_sum.is_finite() {
                exact_sum
            } else {
                -5.0
            };
            for th in [
                near,
                near.next_up(),
                near.next_down(),
                near.next_up().next_up(),
                near + 1e-12,
                near - 1e-12,
                near + rng.random_range(-2.0..2.0),
                f64::NEG_INFINITY,
                0.08f64.ln(),
            ] {
                assert_eq!(
                    judged_clears(p, p.ln(), sz, t, th),
                    exact(p, sz, t, th),
                    "p {p:e}, sigma_z {sz}, timing {t}, threshold {th}"
                );
            }
        }
    }

    #[test]
    fn freshness_and_interest_match_their_formulas() {
        let f = Funnel::default();
        assert_eq!(freshness(&f, 0), 1.0);
        assert!((freshness(&f, 24 * 60) - 2f64.powf(-0.7)).abs() < 1e-12);
        assert!((interest(&f, 30 * DAY) - 0.5).abs() < 1e-12);
        assert!(freshness(&f, 60) > freshness(&f, 120));
        assert!((log_freshness(&f, 1000).exp() - freshness(&f, 1000)).abs() < 1e-12);
    }

    #[test]
    fn log_chance_matches_the_chance_before_and_after_contact() {
        let f = Funnel::default();
        let traits = crate::world::CompanyTraits {
            propensity: 0.2,
            deal_value: 1.0,
            dm_in: 0.5,
            steps: 1,
        };
        let mut lead = Lead::new(
            0,
            crate::world::Place::OFFICE,
            Origin::Marketing,
            1000,
            &traits,
        );
        lead.set_judged(&f, 0.3);
        let direct = |lead: &Lead, t: Minute| {
            let (fresh, int) = timing_factors(&f, lead, t);
            lead.judged * fresh * int
        };
        assert!((judged_chance(&f, &lead, 5000) - direct(&lead, 5000)).abs() < 1e-12);
        assert!(lead.record_contact(&f, 4000));
        assert!(!lead.record_contact(&f, 9000));
        assert!((lead.freshness - freshness(&f, 3000)).abs() < 1e-15);
        for t in [9000, 50_000, 300_000] {
            assert!(
                (judged_chance(&f, &lead, t) / direct(&lead, t) - 1.0).abs() < 1e-9,
                "{t}"
            );
        }
    }
}
