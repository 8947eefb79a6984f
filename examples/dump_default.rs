fn main() {
    print!("{}", salesim::scenario::Scenario::default().to_toml());
}
