//! Cells bound for a spreadsheet.

/// A spreadsheet runs a cell starting with = + - @ as a formula. Phone numbers
/// like +44 7700 900123 are left alone; anything else gets a leading quote.
pub fn defuse_formula(cell: String) -> String {
    // Spreadsheets skip leading tabs and line breaks before a formula.
    let start = cell.trim_start_matches(['\t', '\r', '\n']);
    if start.len() != cell.len() && start.starts_with(['=', '@', '+', '-']) {
        return format!("'{cell}");
    }
    let plain_number = cell.chars().skip(1).all(|c| c.is_ascii_digit() || " ()-".contains(c));
    match cell.chars().next() {
        Some('=' | '@') => format!("'{cell}"),
        Some('+' | '-') if !plain_number => format!("'{cell}"),
        _ => cell,
    }
}

#[cfg(test)]
mod tests {
    use super::defuse_formula;

    #[test]
    fn spreadsheet_formulas_are_defused_but_phone_numbers_kept() {
        assert_eq!(defuse_formula("=HYPERLINK(\"x\")".into()), "'=HYPERLINK(\"x\")");
        assert_eq!(defuse_formula("@SUM(A1)".into()), "'@SUM(A1)");
        assert_eq!(defuse_formula("-2+3".into()), "'-2+3");
        assert_eq!(defuse_formula("+44 7700 900123".into()), "+44 7700 900123");
        assert_eq!(defuse_formula("Ann".into()), "Ann");
        assert_eq!(defuse_formula("\t=1+1".into()), "'\t=1+1");
    }
}
