//! Branch offices and their territories: each company belongs to the territory of the
//! office nearest to it (straight-line km; ties to the earlier office), and each territory
//! overflows to the territory of the office nearest to its own.

use super::{City, Place};
use crate::scenario::Scenario;

/// The offices of a scenario, which teams work from them and which territory each company is in.
#[derive(Debug, Clone)]
pub struct Territories {
    /// Each office's place.
    pub offices: Vec<Place>,
    /// Each office's name.
    pub names: Vec<String>,
    /// Office of each team.
    pub team_office: Vec<u32>,
    /// Territory (office index) of each company.
    pub company_territory: Vec<u32>,
    /// For each territory, the territory its leftover leads overflow to (itself when alone).
    pub overflow_to: Vec<u32>,
}

impl Territories {
    /// The offices of `scenario` (one at the centre with every team when it names none),
    /// with every company of `city` placed in its territory.
    pub fn new(scenario: &Scenario, city: &City) -> Territories {
        let (offices, names, teams): (Vec<Place>, Vec<String>, Vec<u32>) =
            if scenario.offices.is_empty() {
                (
                    vec![Place::OFFICE],
                    vec!["office".into()],
                    vec![scenario.org.teams],
                )
            } else {
                let places = scenario
                    .offices
                    .iter()
                    .map(|o| Place {
                        x: o.x_km,
                        y: o.y_km,
                        building: None,
                    })
                    .collect();
                let names = scenario.offices.iter().map(|o| o.name.clone()).collect();
                let teams = scenario.offices.iter().map(|o| o.teams).collect();
                (places, names, teams)
            };
        let team_office = teams
            .iter()
            .enumerate()
            .flat_map(|(o, &n)| std::iter::repeat_n(o as u32, n as usize))
            .collect();
        let company_territory = (0..city.companies())
            .map(|c| nearest(&offices, &city.company_place(c), None))
            .collect();
        let overflow_to = (0..offices.len())
            .map(|o| nearest(&offices, &offices[o], Some(o)))
            .collect();
        Territories {
            offices,
            names,
            team_office,
            company_territory,
            overflow_to,
        }
    }

    /// The office a team works from (the last office for a team beyond the plan).
    pub fn office_of_team(&self, team: u32) -> u32 {
        self.team_office
            .get(team as usize)
            .copied()
            .unwrap_or(self.offices.len() as u32 - 1)
    }
}

/// The office nearest to `at`, leaving out `except` unless it is the only one; ties go to
/// the earlier office.
fn nearest(offices: &[Place], at: &Place, except: Option<usize>) -> u32 {
    (0..offices.len())
        .filter(|&o| Some(o) != except || offices.len() == 1)
        .min_by(|&a, &b| {
            at.km_to(&offices[a])
                .total_cmp(&at.km_to(&offices[b]))
                .then(a.cmp(&b))
        })
        .unwrap_or(0) as u32
}

#[cfg(test)]
mod tests {
    use super::*;

    fn place(x: f64, y: f64) -> Place {
        Place {
            x,
            y,
            building: None,
        }
    }

    #[test]
    fn nearest_office_and_overflow_neighbour() {
        let offices = [place(0.0, 0.0), place(10.0, 0.0), place(0.0, 3.0)];
        assert_eq!(nearest(&offices, &place(9.0, 1.0), None), 1);
        assert_eq!(nearest(&offices, &place(0.0, 2.0), None), 2);
        // A tie (5 km from offices 0 and 1) goes to the earlier office.
        assert_eq!(nearest(&offices, &place(5.0, 0.0), None), 0);
        // Office 0 overflows to office 2 (3 km), office 1 to office 0 (10 km vs 10.4 km).
        assert_eq!(nearest(&offices, &offices[0], Some(0)), 2);
        assert_eq!(nearest(&offices, &offices[1], Some(1)), 0);
        assert_eq!(nearest(&offices[..1], &offices[0], Some(0)), 0);
    }

    #[test]
    fn teams_are_given_to_offices_in_order() {
        let mut sc = Scenario::embedded();
        sc.org.teams = 5;
        sc.offices = vec![
            crate::scenario::Office {
                name: "west".into(),
                x_km: -8.0,
                y_km: 0.0,
                teams: 2,
            },
            crate::scenario::Office {
                name: "east".into(),
                x_km: 8.0,
                y_km: 0.0,
                teams: 3,
            },
        ];
        let city = City::generate(&sc.city, &crate::rng::Seeds::new(1, 0));
        let t = Territories::new(&sc, &city);
        assert_eq!(t.team_office, [0, 0, 1, 1, 1]);
        assert_eq!(t.overflow_to, [1, 0]);
        for c in 0..city.companies() {
            let x = city.company_place(c).x;
            let expected = if x <= 0.0 { 0 } else { 1 };
            assert_eq!(
                t.company_territory[c as usize], expected,
                "company at x = {x}"
            );
        }
    }
}
