//! Hidden company attributes, drawn on demand from the company's own stream so that a
//! company is the same in every variant and only companies that become leads cost a draw.

use crate::rng::{Seeds, Source};
use crate::scenario;
use rand_distr::{Beta, Binomial, Distribution, LogNormal};

/// What a company is like; reps never see these directly.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CompanyTraits {
    /// Propensity to buy (0–1).
    pub propensity: f64,
    /// Deal value, CNY.
    pub deal_value: f64,
    /// Chance the decision-maker is in on a visit without appointment.
    pub dm_in: f64,
    /// Effective-visit steps the deal needs.
    pub steps: u32,
}

/// The distributions of company traits, built once from the scenario's keys.
#[derive(Debug, Clone)]
pub struct CompanySampler {
    propensity: Beta<f64>,
    deal_value: LogNormal<f64>,
    dm_in: Beta<f64>,
    dm_in_max: f64,
    steps_base: u32,
    steps_extra: Binomial,
    /// Attributes a customer list sets, by company id (empty for a generated city).
    overrides: Vec<Overrides>,
}

/// Hidden attributes a customer list sets for one company.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Overrides {
    /// Propensity to buy.
    pub propensity: Option<f64>,
    /// Deal value, CNY.
    pub deal_value: Option<f64>,
    /// Chance the decision-maker is in.
    pub dm_in: Option<f64>,
    /// Steps the deal needs.
    pub steps: Option<u32>,
}

impl CompanySampler {
    /// Builds the distributions (the keys are validated, so construction cannot fail).
    pub fn new(cfg: &scenario::Companies) -> CompanySampler {
        CompanySampler {
            propensity: Beta::new(cfg.propensity_alpha, cfg.propensity_beta).expect("validated"),
            deal_value: LogNormal::new(cfg.deal_value_median_cny.ln(), cfg.deal_value_sigma)
                .expect("validated"),
            dm_in: Beta::new(cfg.dm_in_alpha, cfg.dm_in_beta).expect("validated"),
            dm_in_max: cfg.dm_in_max,
            steps_base: cfg.steps_base,
            steps_extra: Binomial::new(u64::from(cfg.steps_extra_trials), cfg.steps_extra_p)
                .expect("validated"),
            overrides: Vec::new(),
        }
    }

    /// The same sampler, with attributes set by a customer list (indexed by company id).
    pub fn with_overrides(mut self, overrides: Vec<Overrides>) -> CompanySampler {
        self.overrides = overrides;
        self
    }

    /// Draws company `id`'s attributes from its own stream.
    pub fn draw(&self, seeds: &Seeds, id: u32) -> CompanyTraits {
        let mut rng = seeds.stream(Source::Company, u64::from(id));
        let propensity = self.propensity.sample(&mut rng);
        let deal_value = self.deal_value.sample(&mut rng);
        let dm_in = self.dm_in.sample(&mut rng).min(self.dm_in_max);
        let extra = self.steps_extra.sample(&mut rng);
        // Draws first, overrides after: a list that sets one attribute leaves the others'
        // draws where they would be.
        let set = self.overrides.get(id as usize).copied().unwrap_or_default();
        CompanyTraits {
            propensity: set.propensity.unwrap_or(propensity),
            deal_value: set.deal_value.unwrap_or(deal_value),
            dm_in: set.dm_in.unwrap_or(dm_in),
            steps: set.steps.unwrap_or(self.steps_base + extra as u32),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn traits_follow_their_distributions() {
        let sampler = CompanySampler::new(&scenario::Companies::default());
        let seeds = Seeds::new(3, 0);
        let n = 20_000;
        let all: Vec<_> = (0..n).map(|i| sampler.draw(&seeds, i)).collect();
        let mean =
            |f: &dyn Fn(&CompanyTraits) -> f64| all.iter().map(f).sum::<f64>() / f64::from(n);
        // Beta(1.2, 8) mean 0.1304; Beta(3, 5) mean 0.375; 1 + Bin(3, 0.4) mean 2.2.
        assert!((mean(&|c| c.propensity) - 0.1304).abs() < 0.004);
        assert!((mean(&|c| c.dm_in) - 0.375).abs() < 0.006);
        assert!((mean(&|c| f64::from(c.steps)) - 2.2).abs() < 0.03);
        let mut values: Vec<f64> = all.iter().map(|c| c.deal_value).collect();
        values.sort_by(f64::total_cmp);
        let median = values[values.len() / 2];
        assert!((median / 30_000.0 - 1.0).abs() < 0.04, "{median}");
        assert_eq!(all[17], sampler.draw(&seeds, 17));
    }
}
