//! Greedy label placement: each label takes the first spot near its anchor that overlaps
//! nothing placed before it (markers, other labels) and stays inside the map.

/// A box: left, top, right, bottom (px).
pub type Box = [f64; 4];

/// The boxes taken so far and the area labels must stay in.
#[derive(Debug, Clone)]
pub struct Boxes {
    taken: Vec<Box>,
    bounds: Box,
}

fn overlaps(a: &Box, b: &Box) -> bool {
    a[0] < b[2] && b[0] < a[2] && a[1] < b[3] && b[1] < a[3]
}

/// Width in px of `text` at `size` px in a sans-serif font (a generous estimate).
pub fn text_width(text: &str, size: f64) -> f64 {
    text.chars().count() as f64 * size * 0.6
}

impl Boxes {
    /// Nothing taken yet; labels must stay inside `bounds`.
    pub fn new(bounds: Box) -> Boxes {
        Boxes {
            taken: Vec::new(),
            bounds,
        }
    }

    /// Marks a box as taken (a marker).
    pub fn take(&mut self, b: Box) {
        self.taken.push(b);
    }

    /// Marks the square of half-side `r` around `at` as taken.
    pub fn take_around(&mut self, (x, y): (f64, f64), r: f64) {
        self.take([x - r, y - r, x + r, y + r]);
    }

    fn free(&self, b: &Box) -> bool {
        b[0] >= self.bounds[0]
            && b[1] >= self.bounds[1]
            && b[2] <= self.bounds[2]
            && b[3] <= self.bounds[3]
            && !self.taken.iter().any(|t| overlaps(t, b))
    }

    /// Places a `w` × `h` label near `anchor`, at least `clear` px from it: to the right,
    /// left, below, above or on a diagonal, moving further out until a spot is free (the
    /// first spot to the right when none is). Returns its box, now taken.
    pub fn place(&mut self, (x, y): (f64, f64), clear: f64, (w, h): (f64, f64)) -> Box {
        let at = |left: f64, top: f64| [left, top, left + w, top + h];
        let mut chosen = None;
        'rings: for ring in 0..5 {
            let d = clear + f64::from(ring) * 12.0;
            for b in [
                at(x + d, y - h / 2.0),
                at(x - d - w, y - h / 2.0),
                at(x - w / 2.0, y + d),
                at(x - w / 2.0, y - d - h),
                at(x + d * 0.7, y + d * 0.7),
                at(x + d * 0.7, y - d * 0.7 - h),
                at(x - d * 0.7 - w, y + d * 0.7),
                at(x - d * 0.7 - w, y - d * 0.7 - h),
            ] {
                if self.free(&b) {
                    chosen = Some(b);
                    break 'rings;
                }
            }
        }
        let b = chosen.unwrap_or_else(|| at(x + clear, y - h / 2.0));
        self.take(b);
        b
    }
}

/// The point of box `b` nearest to `p`.
pub fn nearest_point(b: &Box, (x, y): (f64, f64)) -> (f64, f64) {
    (x.clamp(b[0], b[2]), y.clamp(b[1], b[3]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_label_moves_out_of_the_way_and_stays_inside() {
        let mut boxes = Boxes::new([0.0, 0.0, 200.0, 200.0]);
        let first = boxes.place((100.0, 100.0), 10.0, (40.0, 14.0));
        assert_eq!(first, [110.0, 93.0, 150.0, 107.0]);
        // The same anchor again: the right is taken, so the label goes left.
        let second = boxes.place((100.0, 100.0), 10.0, (40.0, 14.0));
        assert_eq!(second, [50.0, 93.0, 90.0, 107.0]);
        // Near the right edge the label cannot go right.
        let edge = boxes.place((195.0, 20.0), 5.0, (30.0, 10.0));
        assert!(edge[2] <= 200.0, "{edge:?}");
    }
}
