//! Suggestions for misspelt names: the allowed name nearest by edit distance.

/// The allowed name nearest to `word` by edit distance, if near enough to be a misspelling.
pub fn closest<'a>(word: &str, allowed: &[&'a str]) -> Option<&'a str> {
    let limit = (word.chars().count() / 3).max(2);
    allowed
        .iter()
        .map(|a| (levenshtein(word, a), *a))
        .filter(|(d, _)| *d <= limit)
        .min()
        .map(|(_, a)| a)
}

/// Edit distance (insertions, deletions, substitutions) between two strings.
pub fn levenshtein(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            let next = (row[j + 1] + 1).min(row[j] + 1).min(prev + cost);
            prev = row[j + 1];
            row[j + 1] = next;
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edit_distance_and_suggestions() {
        assert_eq!(levenshtein("kitten", "sitting"), 3);
        assert_eq!(
            closest("privat_cap", &["private_cap", "swap_rule"]),
            Some("private_cap")
        );
        assert_eq!(closest("zzz", &["private_cap"]), None);
    }
}
