//! A customer list: companies read from a CSV instead of generated, with optional
//! buildings, districts and hidden attributes. Coordinates are km from the office
//! (`x_km`, `y_km`) or latitude and longitude (`lat`, `lon`), projected to local km.

use std::collections::BTreeMap;
use std::path::Path;

/// Mean Earth radius, km (IUGG).
const EARTH_RADIUS_KM: f64 = 6371.0088;

/// One company of a customer list.
#[derive(Debug, Clone, PartialEq)]
pub struct CustomerRow {
    /// The company's id in the file.
    pub id: String,
    /// East of the office, km.
    pub x_km: f64,
    /// North of the office, km.
    pub y_km: f64,
    /// Building name; companies with the same one share a building (default: same coordinates).
    pub building: Option<String>,
    /// District name (default: none, a scattered building).
    pub district: Option<String>,
    /// Propensity to buy (0–1), if the list sets it.
    pub propensity: Option<f64>,
    /// Deal value, CNY, if the list sets it.
    pub deal_value_cny: Option<f64>,
    /// Chance the decision-maker is in (0–1), if the list sets it.
    pub dm_in: Option<f64>,
    /// Effective-visit steps the deal needs, if the list sets it.
    pub steps: Option<u32>,
}

/// A parsed customer list.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct CustomerList {
    /// The companies, in file order.
    pub rows: Vec<CustomerRow>,
}

/// Where the projection of latitude and longitude is centred (the office), degrees.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Origin {
    /// Latitude, degrees north.
    pub lat: f64,
    /// Longitude, degrees east.
    pub lon: f64,
}

/// Projects (lat, lon) to km east and north of `origin` (equirectangular at the origin's
/// latitude: accurate to well under 1% over a city).
pub fn project(origin: Origin, lat: f64, lon: f64) -> (f64, f64) {
    let x = (lon - origin.lon).to_radians() * origin.lat.to_radians().cos() * EARTH_RADIUS_KM;
    let y = (lat - origin.lat).to_radians() * EARTH_RADIUS_KM;
    (x, y)
}

fn problem(file: &str, line: u64, column: &str, message: impl std::fmt::Display) -> String {
    format!("{file} line {line}, column `{column}`: {message}")
}

/// Largest customer-list file read, bytes (checked before reading).
pub const MAX_CUSTOMER_FILE_BYTES: u64 = 256 * 1024 * 1024;
/// Most companies a customer list may hold.
pub const MAX_CUSTOMER_ROWS: usize = 2_000_000;
/// Most problems listed for one customer list; the rest are counted.
pub const MAX_PROBLEMS_LISTED: usize = 50;

/// Reads a customer list from a file. `origin` centres lat/lon projection (default: the
/// median position); every company must lie within `half_km` of it east-west and
/// north-south (half of `city.size_km`). Every bad row is reported by line and column. A
/// file larger than [`MAX_CUSTOMER_FILE_BYTES`] is refused before it is read.
pub fn read_customers(
    path: &Path,
    origin: Option<Origin>,
    half_km: f64,
) -> Result<CustomerList, Vec<String>> {
    let file = path.display().to_string();
    // Checked before opening: opening a named pipe would wait for a writer.
    let kind = std::fs::metadata(path).map_err(|e| vec![format!("cannot read {file}: {e}")])?;
    if !kind.is_file() {
        return Err(vec![format!(
            "cannot read {file}: not a regular file; a customer list is a CSV file"
        )]);
    }
    let opened = std::fs::File::open(path).map_err(|e| vec![format!("cannot read {file}: {e}")])?;
    let bytes = opened
        .metadata()
        .map_err(|e| vec![format!("cannot read {file}: {e}")])?
        .len();
    if bytes > MAX_CUSTOMER_FILE_BYTES {
        return Err(vec![format!(
            "{file}: {bytes} bytes is too large; a customer list may have at most {MAX_CUSTOMER_FILE_BYTES} bytes and {MAX_CUSTOMER_ROWS} companies"
        )]);
    }
    read_customers_from(std::io::BufReader::new(opened), &file, origin, half_km)
}

/// Reads a customer list from `input`; `file` names it in messages. The same rules as
/// [`read_customers`]: at most [`MAX_CUSTOMER_ROWS`] companies, every bad row reported by
/// line and column (reading stops after [`MAX_PROBLEMS_LISTED`] problems).
pub fn read_customers_from(
    input: impl std::io::Read,
    file: &str,
    origin: Option<Origin>,
    half_km: f64,
) -> Result<CustomerList, Vec<String>> {
    let mut problems = Vec::new();
    let result = parse(input, file, origin, half_km, &mut problems);
    match result {
        Some(list) if problems.is_empty() => Ok(list),
        _ => Err(problems),
    }
}

fn parse(
    input: impl std::io::Read,
    file: &str,
    origin: Option<Origin>,
    half_km: f64,
    problems: &mut Vec<String>,
) -> Option<CustomerList> {
    let line_ends = std::rc::Rc::new(std::cell::RefCell::new(LineIndex::default()));
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_reader(LineEnds {
            inner: input,
            offset: 0,
            ends: std::rc::Rc::clone(&line_ends),
        });
    let headers = match reader.headers() {
        Ok(h) => h.clone(),
        Err(e) => {
            problems.push(format!("{file}: {e}"));
            return None;
        }
    };
    // The header's own line (blank lines may come before it).
    let header_line = headers
        .position()
        .map_or(1, |p| line_ends.borrow().line_at(p.byte()));
    let column = |name: &str| headers.iter().position(|h| h == name);
    let known = [
        "id",
        "x_km",
        "y_km",
        "lat",
        "lon",
        "building",
        "district",
        "propensity",
        "deal_value_cny",
        "dm_in",
        "steps",
    ];
    problems.extend(
        headers
            .iter()
            .filter(|h| !known.contains(h))
            .take(MAX_PROBLEMS_LISTED)
            .map(|h| {
                format!(
                    "{file} line {header_line}: unknown column `{h}`; the columns are {}",
                    known.join(", ")
                )
            }),
    );
    for (i, h) in headers.iter().enumerate() {
        if headers.iter().take(i).any(|earlier| earlier == h) {
            problems.push(format!(
                "{file} line {header_line}: column `{h}` appears twice; name each column once"
            ));
        }
    }
    let by_km = column("x_km").is_some() && column("y_km").is_some();
    let by_degrees = column("lat").is_some() && column("lon").is_some();
    if by_km && by_degrees {
        problems.push(format!(
            "{file} line {header_line}: give positions either as `x_km,y_km` or as `lat,lon`, not both"
        ));
        return None;
    }
    if column("id").is_none() || !(by_km || by_degrees) {
        problems.push(format!(
            "{file} line {header_line}: the header needs `id` and either `x_km,y_km` or `lat,lon`"
        ));
        return None;
    }
    let mut raw = Vec::new();
    let mut seen: BTreeMap<String, u64> = BTreeMap::new();
    for (row, record) in reader.records().enumerate() {
        if problems.len() >= MAX_PROBLEMS_LISTED {
            problems.push(format!(
                "{file}: stopped reading after {} problems; fix these first",
                problems.len()
            ));
            break;
        }
        if row == MAX_CUSTOMER_ROWS {
            problems.push(format!(
                "{file}: more than {MAX_CUSTOMER_ROWS} companies; a customer list may have at most {MAX_CUSTOMER_ROWS}"
            ));
            break;
        }
        let record =
            match record {
                Ok(r) => r,
                Err(e) => {
                    let line = e.position().map(|p| line_ends.borrow().line_at(p.byte()));
                    problems.push(match (e.kind(), line) {
                    (csv::ErrorKind::UnequalLengths { expected_len, len, .. }, Some(line)) => {
                        format!(
                            "{file} line {line}: {len} fields, but the header has {expected_len}"
                        )
                    }
                    _ => format!("{file}: {e}"),
                });
                    continue;
                }
            };
        // The line from the record's byte offset: the csv crate's own count is off for
        // CRLF and CR line ends and after blank lines.
        let line = record
            .position()
            .map_or(0, |p| line_ends.borrow().line_at(p.byte()));
        let field = |name: &str| {
            column(name)
                .and_then(|i| record.get(i))
                .filter(|v| !v.is_empty())
        };
        let mut number = |name: &str, low: f64, high: f64| -> Option<f64> {
            let text = field(name)?;
            match text.parse::<f64>() {
                Ok(v) if v.is_finite() && v >= low && v <= high => Some(v),
                _ => {
                    problems.push(problem(
                        file,
                        line,
                        name,
                        format!("{text:?} is not a number from {low} to {high}"),
                    ));
                    None
                }
            }
        };
        let (a, b) = if by_km {
            (number("x_km", -1e4, 1e4), number("y_km", -1e4, 1e4))
        } else {
            (number("lat", -90.0, 90.0), number("lon", -180.0, 180.0))
        };
        let propensity = number("propensity", 0.0, 1.0);
        let deal_value = number("deal_value_cny", 1e-9, 1e12);
        let dm_in = number("dm_in", 0.0, 1.0);
        let steps = number("steps", 1.0, 100.0);
        let Some(id) = field("id") else {
            problems.push(problem(file, line, "id", "missing"));
            continue;
        };
        if let Some(first) = seen.insert(id.to_string(), line) {
            problems.push(problem(
                file,
                line,
                "id",
                format!("{id:?} repeats line {first}"),
            ));
        }
        if steps.is_some_and(|s| s.fract() != 0.0) {
            problems.push(problem(file, line, "steps", "not a whole number"));
        }
        let position = if by_km {
            ["x_km", "y_km"]
        } else {
            ["lat", "lon"]
        };
        for name in position.iter().filter(|n| field(n).is_none()) {
            problems.push(problem(
                file,
                line,
                name,
                "missing; every company needs a position",
            ));
        }
        let (Some(a), Some(b)) = (a, b) else {
            continue;
        };
        raw.push((
            a,
            b,
            line,
            CustomerRow {
                id: id.to_string(),
                x_km: 0.0,
                y_km: 0.0,
                building: field("building").map(str::to_string),
                district: field("district").map(str::to_string),
                propensity,
                deal_value_cny: deal_value,
                dm_in,
                steps: steps.map(|s| s as u32),
            },
        ));
    }
    if raw.is_empty() && problems.is_empty() {
        problems.push(format!("{file}: no companies"));
    }
    if !problems.is_empty() {
        return None;
    }
    // Without the office's position, lat/lon are centred on the list's median position:
    // one mistyped row does not move it (a mean would, and put every row far away).
    let from = if by_km || origin.is_some() {
        "the office"
    } else {
        "the list's median position (the office without city.office_lat/office_lon)"
    };
    let origin = origin.unwrap_or_else(|| Origin {
        lat: median(raw.iter().map(|r| r.0).collect()),
        lon: median(raw.iter().map(|r| r.1).collect()),
    });
    let rows: Vec<(u64, CustomerRow)> = raw
        .into_iter()
        .map(|(a, b, line, mut row)| {
            (row.x_km, row.y_km) = if by_km { (a, b) } else { project(origin, a, b) };
            (line, row)
        })
        .collect();
    problems.extend(outside_city(file, &rows, half_km, by_km, from));
    problems.extend(building_conflicts(file, &rows));
    if !problems.is_empty() {
        return None;
    }
    Some(CustomerList {
        rows: rows.into_iter().map(|(_, row)| row).collect(),
    })
}

/// Companies outside the city's square, `half_km` either side of the office east-west
/// and north-south (a mistyped degree puts a company hundreds of km away, where reps
/// would spend days in taxis): at most [`MAX_PROBLEMS_LISTED`] named, the rest counted.
fn outside_city(
    file: &str,
    rows: &[(u64, CustomerRow)],
    half_km: f64,
    by_km: bool,
    from: &str,
) -> Vec<String> {
    let outside: Vec<&(u64, CustomerRow)> = rows
        .iter()
        .filter(|(_, r)| r.x_km.abs() > half_km || r.y_km.abs() > half_km)
        .collect();
    let mut problems: Vec<String> = outside
        .iter()
        .take(MAX_PROBLEMS_LISTED)
        .map(|(line, r)| {
            // The column that puts it out: east-west is x_km or lon, north-south y_km or lat.
            let column = match (by_km, r.x_km.abs() > half_km) {
                (true, true) => "x_km",
                (true, false) => "y_km",
                (false, true) => "lon",
                (false, false) => "lat",
            };
            problem(
                file,
                *line,
                column,
                format!(
                    "the company lies at ({:.2}, {:.2}) km from {from}, outside the city: city.size_km = {} keeps companies within {half_km} km of it east-west and north-south; correct the position or raise city.size_km",
                    r.x_km + 0.0,
                    r.y_km + 0.0,
                    2.0 * half_km
                ),
            )
        })
        .collect();
    if outside.len() > MAX_PROBLEMS_LISTED {
        problems.push(format!(
            "{file}: and {} more companies outside the city",
            outside.len() - MAX_PROBLEMS_LISTED
        ));
    }
    problems
}

/// Where the lines of a text end, noted as it is read: every CR and LF byte, and the
/// line ends among them (LF, CRLF at its LF, a lone CR).
#[derive(Default)]
struct LineIndex {
    /// Offsets of every CR and LF byte.
    breaks: Vec<u64>,
    /// Offsets of the line ends.
    ends: Vec<u64>,
    /// A CR whose next byte is not read yet.
    pending_cr: Option<u64>,
}

impl LineIndex {
    fn note(&mut self, offset: u64, byte: u8) {
        match byte {
            b'\n' => {
                self.pending_cr = None;
                self.ends.push(offset);
            }
            b'\r' => {
                self.ends.extend(self.pending_cr.replace(offset));
            }
            _ => self.ends.extend(self.pending_cr.take()),
        }
        if matches!(byte, b'\n' | b'\r') {
            self.breaks.push(offset);
        }
    }

    /// The 1-based line of the text that starts at or after `offset` past any line ends
    /// (the csv crate gives a record's offset at a line end before it).
    fn line_at(&self, offset: u64) -> u64 {
        let mut start = offset;
        let mut i = self.breaks.partition_point(|&b| b < start);
        while self.breaks.get(i) == Some(&start) {
            start += 1;
            i += 1;
        }
        1 + self.ends.partition_point(|&end| end < start) as u64
    }
}

/// A reader that notes where lines end in a [`LineIndex`], so a record's byte offset
/// gives its line number.
struct LineEnds<R> {
    inner: R,
    offset: u64,
    ends: std::rc::Rc<std::cell::RefCell<LineIndex>>,
}

impl<R: std::io::Read> std::io::Read for LineEnds<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        let mut index = self.ends.borrow_mut();
        for (i, &b) in buf[..n].iter().enumerate() {
            index.note(self.offset + i as u64, b);
        }
        self.offset += n as u64;
        Ok(n)
    }
}

/// The median of `values` (the mean of the middle two for an even count).
fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    let n = values.len();
    if n % 2 == 1 {
        values[n / 2]
    } else {
        (values[n / 2 - 1] + values[n / 2]) / 2.0
    }
}

/// Farthest a company may lie from the first company of its named building, km: the
/// city puts every company of a building at the first one's position.
pub const SAME_BUILDING_KM: f64 = 0.1;

/// Companies of one building that the city could not place together: each more than
/// [`SAME_BUILDING_KM`] from the building's first company, or in another district. A
/// building is a `building` name, or without one an exact position (as the city groups
/// them).
fn building_conflicts(file: &str, rows: &[(u64, CustomerRow)]) -> Vec<String> {
    let mut first: BTreeMap<String, (u64, &CustomerRow)> = BTreeMap::new();
    let mut problems = Vec::new();
    for (line, row) in rows {
        let (key, name) = match row.building.as_deref() {
            Some(name) => (format!("name:{name}"), format!("building {name:?}")),
            None => (
                format!("at:{:?},{:?}", row.x_km, row.y_km),
                format!(
                    "the building at ({}, {}) km (companies at one point share one)",
                    row.x_km, row.y_km
                ),
            ),
        };
        let &mut (first_line, founder) = first.entry(key).or_insert((*line, row));
        let km = (row.x_km - founder.x_km).hypot(row.y_km - founder.y_km);
        if km > SAME_BUILDING_KM {
            problems.push(problem(
                file,
                *line,
                "building",
                format!(
                    "{name} is {km:.2} km from where line {first_line} puts it; the companies of one building share its position (within {SAME_BUILDING_KM} km): give them one position or different building names"
                ),
            ));
        } else if row.district != founder.district {
            let shown = |d: &Option<String>| {
                d.as_deref()
                    .map_or("none".to_string(), |d| format!("{d:?}"))
            };
            problems.push(problem(
                file,
                *line,
                "district",
                format!(
                    "{} differs from line {first_line}'s {} for {name}; a building lies in one district",
                    shown(&row.district),
                    shown(&founder.district)
                ),
            ));
        }
        if problems.len() >= MAX_PROBLEMS_LISTED {
            break;
        }
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn projection_matches_the_earth() {
        let origin = Origin {
            lat: 39.9,
            lon: 116.4,
        };
        let (x, y) = project(origin, 40.0, 116.4);
        assert!(x.abs() < 1e-12);
        assert!((y - 11.1195).abs() < 1e-3, "{y}"); // 0.1° of latitude
        let (x, _) = project(origin, 39.9, 116.5);
        assert!(
            (x - 11.1195 * 39.9f64.to_radians().cos()).abs() < 1e-3,
            "{x}"
        );
    }

    #[test]
    fn a_file_of_bad_rows_stops_after_the_problem_limit() {
        let mut text = String::from("id,x_km,y_km\n");
        for i in 0..500 {
            text.push_str(&format!("C{i},east,0\n"));
        }
        let problems = read_customers_from(text.as_bytes(), "bad.csv", None, 20.0).unwrap_err();
        assert_eq!(problems.len(), MAX_PROBLEMS_LISTED + 1);
        assert!(
            problems[0].contains("bad.csv line 2, column `x_km`"),
            "{problems:?}"
        );
        assert!(
            problems.last().unwrap().contains("stopped reading"),
            "{problems:?}"
        );
    }

    #[test]
    fn reads_positions_attributes_and_buildings() {
        let dir = std::env::temp_dir().join(format!("salesim-customers-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("list.csv");
        std::fs::write(&file, "id,x_km,y_km,building,propensity,steps\nA, 1.5 ,-2,T1,0.4,3\nB,1.5,-2,T1,,\nC,0,0,,,\n").unwrap();
        let list = read_customers(&file, None, 20.0).unwrap();
        assert_eq!(list.rows.len(), 3);
        assert_eq!((list.rows[0].x_km, list.rows[0].y_km), (1.5, -2.0));
        assert_eq!(
            (list.rows[0].propensity, list.rows[0].steps),
            (Some(0.4), Some(3))
        );
        assert_eq!(list.rows[1].propensity, None);
        let (city, rows) = crate::world::City::from_customers(&list);
        assert_eq!(city.buildings.len(), 2);
        assert_eq!(city.companies_in(0).len(), 2);
        assert_eq!(rows, [0, 1, 2]);
        std::fs::write(&file, "id,lat,lon\nA,39.9,116.4\nB,40.0,116.4\n").unwrap();
        let list = read_customers(
            &file,
            Some(Origin {
                lat: 39.9,
                lon: 116.4,
            }),
            20.0,
        )
        .unwrap();
        assert!((list.rows[1].y_km - 11.1195).abs() < 1e-3);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    /// The problems `text` as a customer list gets, one string.
    fn problems_of(text: &str) -> String {
        let mut problems = Vec::new();
        let list = parse(text.as_bytes(), "c.csv", None, 20.0, &mut problems);
        assert!(list.is_none() && !problems.is_empty(), "{text}");
        problems.join("\n")
    }

    #[test]
    fn problems_name_the_real_line_with_crlf_ends_and_blank_lines() {
        let p = problems_of("id,x_km,y_km\r\nA,1,0\r\nB,1,0\r\nC,x,0\r\n");
        assert!(p.contains("c.csv line 4, column `x_km`"), "{p}");
        let p = problems_of("id,x_km,y_km\nA,1,0\n\nB,x,0\n");
        assert!(p.contains("c.csv line 4, column `x_km`"), "{p}");
        let p = problems_of("id,x_km,y_km\nA,\"1\n\",0\nB,x,0\n");
        assert!(p.contains("c.csv line 4, column `x_km`"), "{p}");
        // Several blank lines, CRLF with blank lines, CR alone.
        let p = problems_of("id,x_km,y_km\nA,1,0\n\n\n\nB,x,0\n");
        assert!(p.contains("c.csv line 6, column `x_km`"), "{p}");
        let p = problems_of("id,x_km,y_km\r\nA,1,0\r\n\r\n\r\nB,x,0\r\n");
        assert!(p.contains("c.csv line 5, column `x_km`"), "{p}");
        let p = problems_of("id,x_km,y_km\rA,1,0\rB,2,1\rC,x,3\r");
        assert!(p.contains("c.csv line 4, column `x_km`"), "{p}");
        let p = problems_of("\n\nid,x_km,y_km,foo\nA,1,0,2\n");
        assert!(p.contains("c.csv line 3: unknown column `foo`"), "{p}");
        let p = problems_of("id,x_km,y_km\r\nA,1,0\r\n\r\n\r\nB,1\r\n");
        assert!(
            p.contains("c.csv line 5: 2 fields, but the header has 3"),
            "{p}"
        );
    }

    #[test]
    fn companies_outside_the_city_are_refused() {
        // A latitude mistyped by a degree puts a company 111 km north of the office.
        let mut text = String::from("id,lat,lon\n");
        for i in 0..9 {
            text.push_str(&format!("N{i},39.9,116.4\n"));
        }
        text.push_str("far,40.9,116.4\n");
        let p = problems_of(&text);
        assert!(
            p.contains("c.csv line 11, column `lat`: the company lies at (0.00, 111.20) km from the list's median position")
                && p.contains("outside the city: city.size_km = 40 keeps companies within 20 km"),
            "{p}"
        );
        assert_eq!(p.lines().count(), 1, "{p}");
        let p = problems_of("id,x_km,y_km\nA,0,-20.5\n");
        assert!(
            p.contains(
                "line 2, column `y_km`: the company lies at (0.00, -20.50) km from the office"
            ),
            "{p}"
        );
        assert!(
            parse(
                "id,x_km,y_km\nA,20,-20\n".as_bytes(),
                "c.csv",
                None,
                20.0,
                &mut Vec::new()
            )
            .is_some()
        );
    }

    #[test]
    fn ambiguous_headers_and_split_buildings_are_refused() {
        let p = problems_of("id,x_km,y_km,x_km\nA,0,0,1\n");
        assert!(p.contains("line 1: column `x_km` appears twice"), "{p}");
        let p = problems_of("id,x_km,y_km,lat,lon\nA,0,0,39.9,116.4\n");
        assert!(p.contains("`x_km,y_km` or as `lat,lon`, not both"), "{p}");
        // One building name at two places 3 km apart: the city would move the second.
        let p = problems_of("id,x_km,y_km,building\nA,0,0,T1\nB,0.05,0,T1\nC,3,0,T1\n");
        assert!(
            p.contains(
                "line 4, column `building`: building \"T1\" is 3.00 km from where line 2 puts it"
            ),
            "{p}"
        );
        assert!(!p.contains("line 3"), "50 m apart is one building: {p}");
        let unnamed = problems_of("id,x_km,y_km,district\nA,1,2,D1\nB,1,2,D2\nC,1,2.5,D2\n");
        assert!(
            unnamed.contains("line 3, column `district`: \"D2\" differs from line 2's \"D1\" for the building at (1, 2) km"),
            "{unnamed}"
        );
        let p = problems_of("id,x_km,y_km,building,district\nA,0,0,T1,D1\nB,0,0,T1,D2\n");
        assert!(
            p.contains("line 3, column `district`: \"D2\" differs from line 2's \"D1\""),
            "{p}"
        );
    }
}
